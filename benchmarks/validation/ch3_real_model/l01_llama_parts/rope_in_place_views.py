"""apply_rope writes the rotated pairs back into x itself: a and b are views of x, so after
x[..., 0::2] is overwritten, the second line reads the already rotated a instead of the original
one, and the caller's array is changed as well.

Basis: rotating "in place to save memory" with numpy slices, which are views and not copies, a
well-known numpy aliasing trap (the reference writes into a new np.empty_like array; HF builds a
new tensor with torch.cat).
"""

EXPECT = ["in place", "view", "overwrit", "copy"]


def apply_rope(x, cos, sin):
    a, b = x[..., 0::2], x[..., 1::2]
    x[..., 0::2] = a * cos - b * sin
    x[..., 1::2] = a * sin + b * cos
    return x
