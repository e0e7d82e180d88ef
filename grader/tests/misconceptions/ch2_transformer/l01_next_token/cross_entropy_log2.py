"""cross_entropy measures the loss in bits with np.log2 instead of the natural log, so it is
1/ln 2 = 1.44 times too large."""

EXPECT = "natural log"

import numpy as np


def cross_entropy(logits, targets):
    probs = softmax(np.asarray(logits, dtype=np.float64), axis=-1)
    targets = np.asarray(targets)
    return float(-np.log2(probs[np.arange(len(targets)), targets]).mean())
