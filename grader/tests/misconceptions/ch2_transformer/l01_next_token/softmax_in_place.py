"""softmax subtracts the max in place (x -= m), and np.asarray returns the caller's own float64
array, so the logits the caller passed in are changed."""

EXPECT = "in place"

import numpy as np


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError("a row that is all -inf")
    x -= m
    e = np.exp(x)
    return e / np.sum(e, axis=axis, keepdims=True)
