"""attention sets masked scores to 0 instead of -inf, so a masked key still gets weight
(exp(0) = 1) and the future leaks into the past."""

EXPECT = "-inf before the softmax"

import math

import numpy as np


def attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if (~mask.any(axis=-1)).any():
            raise ValueError("a query row attends to nothing")
        scores = np.where(mask, scores, 0.0)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v
