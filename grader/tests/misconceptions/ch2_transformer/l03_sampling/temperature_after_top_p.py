"""sample filters first and applies the temperature afterwards, so the nucleus is chosen from
the untempered distribution."""

EXPECT = "temperature first"

import numpy as np


def sample(logits, u, temperature=1.0, top_k=None, top_p=None):
    if not 0 <= u < 1:
        raise ValueError("u")
    if temperature == 0:
        return greedy(logits)
    x = np.asarray(logits, dtype=np.float64)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    if top_p is not None:
        x = top_p_filter(x, top_p)
    x = apply_temperature(x, temperature)
    return sample_from_probs(_softmax(x), u)
