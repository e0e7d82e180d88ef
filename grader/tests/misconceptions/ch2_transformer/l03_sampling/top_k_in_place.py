"""top_k_filter writes -inf into the array it was given (logits[logits < kth] = -inf), and
np.asarray returns the caller's own float64 array, so the caller's logits are destroyed."""

EXPECT = "in place"

import numpy as np


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.shape[-1]:
        return logits.copy()
    kth = np.sort(logits)[::-1][k - 1]
    logits[logits < kth] = -np.inf
    return logits
