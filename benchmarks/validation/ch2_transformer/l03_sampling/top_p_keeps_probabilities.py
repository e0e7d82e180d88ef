"""top_p_filter writes the kept tokens' probabilities, not their logits, into the output (with
-inf elsewhere), so the softmax that follows is taken over probabilities and flattens the
nucleus towards uniform.

Basis: nucleus sampling is described on probabilities (Holtzman et al. cut the sorted
distribution), and many tutorials filter and renormalise probs; mixing the two spaces, logits
and probabilities, in one pipeline is a frequent sampling bug.
"""

EXPECT = ["softmax twice", "not the logits", "instead of the logits", "probabilities instead"]


def top_p_filter(logits, p):
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    probs = _softmax(logits)
    order = np.argsort(-probs, kind="stable")
    cum = np.cumsum(probs[order])
    n_keep = int(np.searchsorted(cum, p, side="left")) + 1
    n_keep = min(n_keep, len(order))
    out = np.full_like(logits, -np.inf)
    keep = order[:n_keep]
    out[keep] = probs[keep]
    return out
