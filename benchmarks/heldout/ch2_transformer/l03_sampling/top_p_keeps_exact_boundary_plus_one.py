"""top_p_filter uses searchsorted(..., side="right"), so when a prefix sums to exactly p it keeps
one token too many.

Basis: the boundary of the nucleus is the most argued point of top-p implementations
(https://github.com/rasbt/reasoning-from-scratch/issues/164,
https://github.com/labmlai/annotated_deep_learning_paper_implementations/issues/203).
"""

EXPECT = ["reaches p", "smallest prefix", "exactly p", ">= p"]


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    probs = _softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = min(int(np.searchsorted(cum, p, side="right")) + 1, len(order))
    out = np.full_like(logits, -np.inf)
    out[order[:n_keep]] = logits[order[:n_keep]]
    return out
