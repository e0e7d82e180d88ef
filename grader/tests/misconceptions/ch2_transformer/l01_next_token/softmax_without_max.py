"""softmax exponentiates the raw logits without subtracting the max first: exp(1000) overflows
to inf and the probabilities become nan."""

EXPECT = "overflow"

import numpy as np


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    if np.any(np.isneginf(np.max(x, axis=axis, keepdims=True))):
        raise ValueError("all -inf")
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
