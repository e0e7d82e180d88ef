"""apply_rope rotates each pair the wrong way, (a*cos + b*sin, b*cos - a*sin), the transpose of
the rotation (a*cos - b*sin, a*sin + b*cos): every position is turned by minus its angle.

Basis: the sign of the 2x2 rotation matrix [[cos, -sin], [sin, cos]] is easy to misplace when
writing RoPE out by hand; the model was trained with the RoFormer / Llama sign.
"""

EXPECT = ["sign", "direction", "a*cos - b*sin", "backwards"]


def apply_rope(x, cos, sin):
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * cos + b * sin
    out[..., 1::2] = b * cos - a * sin
    return out
