"""top_k_filter keeps exactly k ids (from argsort), so of several logits tied at the k-th
largest value only some survive."""

EXPECT = "ties at the boundary"

import numpy as np


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError("k")
    logits = np.asarray(logits, dtype=np.float64)
    keep = np.argsort(-logits, kind="stable")[:k]
    out = np.full_like(logits, -np.inf)
    out[keep] = logits[keep]
    return out
