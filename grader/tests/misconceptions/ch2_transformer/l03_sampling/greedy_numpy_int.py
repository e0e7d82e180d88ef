"""greedy returns np.argmax(logits) as it is, a numpy integer (np.int64), instead of a Python
int."""

EXPECT = "numpy scalar"

import numpy as np


def greedy(logits):
    return np.argmax(logits)
