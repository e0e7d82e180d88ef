"""attention divides the scores by dh instead of sqrt(dh), so the softmax is too flat for any
head wider than one."""

EXPECT = "sqrt(dh)"

import numpy as np


def attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    scores = q @ np.swapaxes(k, -1, -2) / q.shape[-1]
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if (~mask.any(axis=-1)).any():
            raise ValueError("a query row attends to nothing")
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v
