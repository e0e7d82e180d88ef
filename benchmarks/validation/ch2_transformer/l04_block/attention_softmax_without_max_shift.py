"""attention exponentiates the raw scores (np.exp(scores)) without first subtracting each row's
maximum, so large scores overflow to inf and the weights come out as inf / inf = NaN instead of
a one-hot row.

Basis: the textbook softmax exp(z) / sum(exp(z)) typed as written; "softmax returns nan for large
inputs" is one of the most asked numpy questions, and every library softmax (scipy, PyTorch,
nanoGPT's F.softmax) shifts by the max first.
"""

EXPECT = ["overflow", "subtract the max", "numerically stable", "stable softmax"]


def attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    dh = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(dh)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != scores.shape[-2:]:
            raise ValueError(f"mask has shape {mask.shape}, expected {scores.shape[-2:]}")
        empty = ~mask.any(axis=-1)
        if empty.any():
            raise ValueError(f"the mask lets query row {int(np.argmax(empty))} attend to nothing")
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v
