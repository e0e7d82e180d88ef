"""sample has no special case for temperature 0 and divides by it (apply_temperature(logits,
0) raises), although temperature 0 means greedy."""

EXPECT = "temperature 0 means greedy"

import numpy as np


def sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    x = apply_temperature(logits, temperature)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    if top_p is not None:
        x = top_p_filter(x, top_p)
    return sample_from_probs(_softmax(x), u)
