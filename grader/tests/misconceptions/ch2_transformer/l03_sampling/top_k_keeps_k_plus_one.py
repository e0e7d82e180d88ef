"""top_k_filter takes the threshold at index k of the descending sort instead of k - 1, so it
keeps the k + 1 largest logits."""

EXPECT = "keeps too much"

import numpy as np


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.shape[-1]:
        return logits.copy()
    kth = np.sort(logits)[::-1][k]
    return np.where(logits >= kth, logits, -np.inf)
