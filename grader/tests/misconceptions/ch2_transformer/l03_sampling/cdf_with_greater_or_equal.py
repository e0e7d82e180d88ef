"""sample_from_probs returns the first i with cumsum >= u instead of > u, so at u = 0 it can
return a token of probability 0 and at a boundary it picks the earlier token."""

EXPECT = "strict"

import numpy as np


def sample_from_probs(probs, u):
    if not 0 <= u < 1:
        raise ValueError("u")
    return int(np.searchsorted(np.cumsum(probs), u, side="left"))
