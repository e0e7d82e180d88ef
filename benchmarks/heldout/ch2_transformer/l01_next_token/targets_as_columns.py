"""cross_entropy indexes log_probs[:, targets], which picks every target for every row (a (T, T)
block) instead of row t's own target.

Basis: numpy fancy indexing: `a[:, idx]` takes columns; `a[np.arange(T), idx]` pairs them.
"""

EXPECT = ["np.arange", "row t", "pair"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError("expected logits (T, V) and targets (T,)")
    m = logits.max(axis=-1, keepdims=True)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))
    return float(-log_probs[:, targets].mean())
