"""top_predictions returns the numpy integers and floats of argsort and the array (np.int64,
np.float64) instead of Python ints and floats."""

EXPECT = "Python ints"

import numpy as np


def top_predictions(probs, k):
    probs = np.asarray(probs)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    order = np.argsort(-probs, kind="stable")[:k]
    return [(i, probs[i]) for i in order]
