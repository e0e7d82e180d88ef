"""top_p_filter keeps only the tokens whose cumulative probability stays strictly below p, so the
token that crosses p (part of the nucleus) is dropped."""

EXPECT = "crosses p"

import numpy as np


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError("p")
    logits = np.asarray(logits, dtype=np.float64)
    probs = _softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = max(1, int(np.sum(cum < p)))
    out = np.full_like(logits, -np.inf)
    out[order[:n_keep]] = logits[order[:n_keep]]
    return out
