"""rotate_pairs turns every pair clockwise, (a cos + b sin, -a sin + b cos). Lengths and
relative scores survive, so only the exact values show it."""

EXPECT = "clockwise"


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % 2:
        raise ValueError("d must be even")
    theta = np.asarray(positions, dtype=np.float64)[..., None] * _frequencies(x.shape[-1], base)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * np.cos(theta) + b * np.sin(theta)
    out[..., 1::2] = -a * np.sin(theta) + b * np.cos(theta)
    return out
