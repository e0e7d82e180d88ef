"""The softmax runs over axis 0 (the queries) instead of the keys: each key's weights sum to 1
instead of each query's."""

EXPECT = "over the queries"


def attention(q, k, v, mask=None):
    scores = q @ k.T / np.sqrt(q.shape[-1])
    if mask is not None:
        if (~np.asarray(mask).any(axis=-1)).any():
            raise ValueError("a query row may attend to nothing")
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=0, keepdims=True)
    w = np.exp(scores)
    w = np.nan_to_num(w / w.sum(axis=0, keepdims=True))
    return w @ v
