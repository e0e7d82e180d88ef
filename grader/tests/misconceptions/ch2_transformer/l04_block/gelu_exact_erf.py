"""gelu uses the exact erf form 0.5 * x * (1 + erf(x / sqrt 2)), PyTorch's default, instead of
the tanh approximation that GPT-2 was trained with."""

EXPECT = "tanh approximation"

import math

import numpy as np


def gelu(x):
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
