"""attention takes exp of the raw scores without subtracting each row's max, so large scores
overflow to inf and the weights become NaN.

Basis: "softmax = exp / sum" from the formula; nanoGPT relies on F.softmax, which is stable.
"""

EXPECT = ["max", "overflow", "NaN"]


def attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if (~mask.any(axis=-1)).any():
            raise ValueError("a query row attends to nothing")
        scores = np.where(mask, scores, -np.inf)
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.exp(scores)
        w = w / w.sum(axis=-1, keepdims=True)
    return w @ v
