"""softmax divides by e.sum(), the sum of the whole array, instead of the sum along the axis, so
a matrix of logits comes back as one distribution over all its entries."""

EXPECT = "wrong total"

import numpy as np


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError("a row that is all -inf")
    e = np.exp(x - m)
    return e / e.sum()
