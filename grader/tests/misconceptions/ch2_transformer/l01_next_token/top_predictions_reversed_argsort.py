"""top_predictions uses np.argsort(probs)[::-1], which puts equal probabilities in decreasing
id order, so ties go to the higher id."""

EXPECT = "stable sort"

import numpy as np


def top_predictions(probs, k):
    order = np.argsort(probs, kind="stable")[::-1][:k]
    return [(int(i), float(probs[i])) for i in order]
