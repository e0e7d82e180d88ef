"""feed_forward uses ReLU, np.maximum(0, h), as its non-linearity instead of GELU."""

EXPECT = "gelu"

import numpy as np


def feed_forward(x, block):
    hidden = np.maximum(0.0, x @ block["w_in"] + block["b_in"])
    return hidden @ block["w_out"] + block["b_out"]
