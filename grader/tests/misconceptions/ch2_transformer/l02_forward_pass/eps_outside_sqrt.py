"""layer_norm divides by sqrt(var) + eps instead of sqrt(var + eps): the two agree for large
variances and drift apart when the variance is close to eps."""

EXPECT = "sqrt(var + eps)"

import numpy as np


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / (np.sqrt(var) + eps) * g + b
