"""perplexity returns exp(-cross_entropy), the geometric mean of the target probabilities,
instead of exp(cross_entropy)."""

EXPECT = "upside down"

import numpy as np


def perplexity(logits, targets):
    return float(np.exp(-cross_entropy(logits, targets)))
