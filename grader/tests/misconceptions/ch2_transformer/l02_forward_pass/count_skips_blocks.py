"""count_parameters adds up only the top-level arrays and skips the blocks, which hold most of
the parameters."""

EXPECT = "every block"

import numpy as np


def count_parameters(params):
    return sum(int(np.size(v)) for k, v in params.items() if k != "blocks")
