"""layer_norm takes the mean and variance of the whole array (x.mean(), x.var()) instead of
each row's, so one row's values change another row's normalisation."""

EXPECT = "each row"

import numpy as np


def layer_norm(x, g, b, eps=1e-5):
    return (x - x.mean()) / np.sqrt(x.var() + eps) * g + b
