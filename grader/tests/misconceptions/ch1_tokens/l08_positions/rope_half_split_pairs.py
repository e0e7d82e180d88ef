"""rotate_pairs pairs x[i] with x[i + d/2] (the "rotate_half" layout of some libraries) instead
of the interleaved pairs (x[2i], x[2i+1]) that the course pins."""

EXPECT = "interleaved"


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x, dtype=np.float64)
    d = x.shape[-1]
    if d % 2:
        raise ValueError("d must be even")
    theta = np.asarray(positions, dtype=np.float64)[..., None] * _frequencies(d, base)
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate(
        [a * np.cos(theta) - b * np.sin(theta), a * np.sin(theta) + b * np.cos(theta)], axis=-1
    )
