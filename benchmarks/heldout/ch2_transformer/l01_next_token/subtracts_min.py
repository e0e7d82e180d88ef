"""softmax subtracts the minimum instead of the maximum, so large logits still overflow exp.

Basis: "shift the logits" remembered without which way; only the max keeps every exponent <= 0.
"""

EXPECT = ["max", "overflow"]


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError("a row that is all -inf")
    finite = np.where(np.isneginf(x), np.inf, x)
    e = np.exp(x - np.min(finite, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
