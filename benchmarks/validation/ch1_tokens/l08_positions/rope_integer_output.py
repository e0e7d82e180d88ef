"""rotate_pairs keeps the dtype of its input (np.asarray(x) without dtype=float) and builds the
output with np.empty_like(x), so an integer x gets an integer output: the rotated values are
truncated towards zero (rotate_pairs([[1, 0]], [1]) gives [[0, 0]] instead of [[0.540, 0.841]]).

Basis: np.empty_like / np.zeros_like copy the dtype of their argument, a well-known numpy trap;
writing floats into an int array silently truncates them.
"""

EXPECT = ["integer", "dtype", "truncat", "float"]


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x)
    if x.shape[-1] % 2:
        raise ValueError(f"d must be even to form pairs, got {x.shape[-1]}")
    theta = np.asarray(positions, dtype=np.float64)[..., None] * _frequencies(x.shape[-1], base)
    cos, sin = np.cos(theta), np.sin(theta)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out
