"""layer_norm returns the normalised rows (x - mean) / sqrt(var + eps) and forgets the learned
gain g and bias b, so a trained (or non-trivial) g and b have no effect.

Basis: the LayerNorm formula is often remembered as "standardise each row"; nanoGPT's LayerNorm
and GPT-2's ln_1/ln_2/ln_f all carry a weight and a bias, and with the initial g = 1, b = 0 the
omission is invisible.
"""

EXPECT = ["gain", "g and b", "* g + b", "scale and shift"]


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)
