"""layer_norm uses the unbiased variance (np.var with ddof=1, dividing by d - 1); LayerNorm
divides by d."""

EXPECT = "biased variance"

import numpy as np


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True, ddof=1)
    return (x - mean) / np.sqrt(var + eps) * g + b
