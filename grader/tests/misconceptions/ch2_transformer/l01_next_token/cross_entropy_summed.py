"""cross_entropy returns the sum of the negative log-likelihoods over positions instead of their
mean, so the loss grows with the length of the text."""

EXPECT = "mean"

import numpy as np


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    m = logits.max(axis=-1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    return float(-log_probs[np.arange(len(targets)), targets].sum())
