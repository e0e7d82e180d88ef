"""softmax always normalises over the last axis and ignores its axis argument, so
softmax(x, axis=0) normalises the rows instead of the columns."""

EXPECT = "axis argument"

import numpy as np


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x, axis=-1, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError("a row that is all -inf")
    e = np.exp(x - m)
    return e / np.sum(e, axis=-1, keepdims=True)
