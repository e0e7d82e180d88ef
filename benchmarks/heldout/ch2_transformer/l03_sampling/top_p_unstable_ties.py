"""top_p_filter sorts with np.argsort(probs)[::-1], so equal probabilities go to the higher id
first, where the lower id must come first.

Basis: reversing an ascending argsort is the usual way to get "descending", and it reverses the
order of ties too.
"""

EXPECT = ["lower id", "stable"]


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    probs = _softmax(logits)
    order = np.argsort(probs)[::-1]
    cum = np.cumsum(probs[order])
    n_keep = min(int(np.searchsorted(cum, p, side="left")) + 1, len(order))
    out = np.full_like(logits, -np.inf)
    out[order[:n_keep]] = logits[order[:n_keep]]
    return out
