"""count_parameters adds up len(array), the first dimension of each array, instead of its
number of entries (array.size)."""

EXPECT = ".size"

import numpy as np


def count_parameters(params):
    total = 0
    for name, value in params.items():
        if name == "blocks":
            total += sum(len(a) for block in value for a in block.values())
        else:
            total += len(value)
    return total
