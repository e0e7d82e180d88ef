"""top_p_filter computes the probabilities with exp(logits) / sum without subtracting the max,
so large logits overflow to inf and the probabilities become NaN.

Basis: the stable softmax of lesson 2.1 rewritten from memory inside another function.
"""

EXPECT = ["overflow", "max"]


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(logits)
        probs = e / e.sum()
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = min(int(np.searchsorted(cum, p, side="left")) + 1, len(order))
    out = np.full_like(logits, -np.inf)
    out[order[:n_keep]] = logits[order[:n_keep]]
    return out
