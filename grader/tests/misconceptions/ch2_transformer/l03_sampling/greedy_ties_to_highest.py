"""greedy takes the last maximum (argmax of the reversed logits), so ties go to the highest id
instead of the lowest."""

EXPECT = "lowest id"

import numpy as np


def greedy(logits):
    x = np.asarray(logits)
    return int(len(x) - 1 - np.argmax(x[::-1]))
