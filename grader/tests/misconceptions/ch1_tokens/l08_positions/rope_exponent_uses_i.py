"""rotate_pairs turns pair i by position * base^(-i/d) instead of base^(-2i/d): the factor 2 of
the exponent is missing, so the slow pairs turn too fast."""

EXPECT = "2i/d"


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    if d % 2:
        raise ValueError("d must be even")
    theta = np.asarray(positions)[:, None] * base ** (-np.arange(d // 2) / d)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * np.cos(theta) - b * np.sin(theta)
    out[..., 1::2] = a * np.sin(theta) + b * np.cos(theta)
    return out
