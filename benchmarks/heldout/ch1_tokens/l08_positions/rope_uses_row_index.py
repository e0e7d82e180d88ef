"""rotate_pairs ignores its positions argument and turns row t by position t (np.arange(T)).

Basis: in a plain forward pass the positions are 0..T-1, so the argument looks redundant --
until a KV cache passes positions that start later.
"""

EXPECT = ["positions argument", "positions[t]", "given positions"]


def rotate_pairs(x, positions, base=10000.0):
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % 2:
        raise ValueError("d must be even")
    theta = np.arange(x.shape[-2])[:, None] * _frequencies(x.shape[-1], base)
    cos, sin = np.cos(theta), np.sin(theta)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out
