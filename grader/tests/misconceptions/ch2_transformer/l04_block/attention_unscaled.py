"""Attention without the 1/sqrt(dh) scaling: the scores grow with the head width and the
softmax saturates."""

EXPECT = "not scaled"


def attention(q, k, v, mask=None):
    scores = q @ k.T
    if mask is not None:
        if (~np.asarray(mask).any(axis=-1)).any():
            raise ValueError("a query row may attend to nothing")
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    return (w / w.sum(axis=-1, keepdims=True)) @ v
