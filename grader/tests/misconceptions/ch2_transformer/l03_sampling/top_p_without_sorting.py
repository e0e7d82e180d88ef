"""top_p_filter adds up the probabilities in id order, without sorting them first, so the
nucleus is whatever prefix of the vocabulary reaches p."""

EXPECT = "sort"

import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    cum = np.cumsum(_softmax(logits))
    n_keep = min(int(np.searchsorted(cum, p, side="left")) + 1, len(logits))
    out = np.full_like(logits, -np.inf)
    out[:n_keep] = logits[:n_keep]
    return out
