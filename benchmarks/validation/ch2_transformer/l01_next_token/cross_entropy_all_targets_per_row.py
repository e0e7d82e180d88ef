"""cross_entropy picks log_probs[:, targets], which is a (T, T) matrix (every row scored against
every target), and averages all of it, instead of pairing row t with targets[t] through
log_probs[np.arange(T), targets].

Basis: the classic numpy fancy-indexing question ("how do I select one column per row?"): a
slice ':' with an index array takes the outer product of the two, and the mean still returns a
plausible-looking number.
"""

EXPECT = ["np.arange", "(t, t)", "one per row", "diagonal"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError(
            f"expected logits (T, V) and targets (T,), got {logits.shape} and {targets.shape}"
        )
    m = logits.max(axis=-1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    picked = log_probs[:, targets]
    return float(-picked.mean())
