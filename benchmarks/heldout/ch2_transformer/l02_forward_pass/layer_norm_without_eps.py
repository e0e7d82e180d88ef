"""layer_norm divides by sqrt(var) without eps, so a constant row (variance 0) gives NaN.

Basis: eps looks like a detail; Raschka's LayerNorm and nanoGPT's both add it inside the sqrt.
"""

EXPECT = ["eps"]


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (x - mean) / np.sqrt(var) * g + b
