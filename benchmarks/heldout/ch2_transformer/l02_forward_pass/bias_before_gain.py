"""layer_norm adds the bias before multiplying by the gain ((x_hat + b) * g), where it must be
x_hat * g + b.

Basis: the order of scale and shift is easy to flip; it only shows when the bias and the gain
are both non-trivial.
"""

EXPECT = ["* g + b", "gain", "bias"]


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps) + b) * g
