"""cross_entropy takes np.log(softmax(logits)) instead of a log-softmax, so a very unlikely
target (a probability that underflows to 0) gives log(0) = -inf and an infinite loss.

Basis: PyTorch's docs steer to log_softmax/cross_entropy for exactly this reason; the naive
log-of-softmax works on small logits.
"""

EXPECT = ["log-softmax", "log_softmax", "log(0)", "underflow"]


def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError("expected logits (T, V) and targets (T,)")
    with np.errstate(divide="ignore"):
        log_probs = np.log(softmax(logits))
    return float(-log_probs[np.arange(len(targets)), targets].mean())
