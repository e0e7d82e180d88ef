"""apply_temperature multiplies the logits by t instead of dividing, so a high temperature
sharpens the distribution instead of flattening it."""

EXPECT = "divide the logits by t"

import numpy as np


def apply_temperature(logits, t):
    if t <= 0:
        raise ValueError(f"temperature must be > 0, got {t}")
    return np.asarray(logits, dtype=np.float64) * t
