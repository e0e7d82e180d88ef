"""rotate_pairs writes the rotated pairs back into x itself, and a = x[..., 0::2] is a view of
x, so the second line (a sin + b cos) already uses the rotated a instead of the original one
(and a float64 array passed in is changed under the caller).

Basis: a well-known numpy trap: slices are views, not copies; the classic "swap/rotate in
place" bug that a tuple assignment or a copy avoids.
"""

EXPECT = ["view", "in place", "copy", "overwrit"]


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % 2:
        raise ValueError(f"d must be even to form pairs, got {x.shape[-1]}")
    theta = np.asarray(positions, dtype=np.float64)[..., None] * _frequencies(x.shape[-1], base)
    cos, sin = np.cos(theta), np.sin(theta)
    a, b = x[..., 0::2], x[..., 1::2]
    x[..., 0::2] = a * cos - b * sin
    x[..., 1::2] = a * sin + b * cos
    return x
