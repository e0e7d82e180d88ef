"""grouped_query_attention divides the scores by sqrt(q.shape[1]), which for the (H, Tq, hd)
queries is the number of query positions Tq, instead of sqrt(hd), the head size on the last
axis: the softmax is too flat or too sharp whenever Tq != hd.

Basis: lesson 2.4's attention took q as (T, dh), where axis 1 is the head size; carried over to
the per-head (H, T, hd) layout, shape[1] now counts positions (the Annotated Transformer's
d_k = query.size(-1) uses the last axis for this reason).
"""

EXPECT = ["head size", "sqrt(hd)", "shape[-1]", "number of positions"]


def grouped_query_attention(q, k, v, mask=None):
    H, Tq, hd = q.shape
    KV = k.shape[0]
    if H % KV:
        raise ValueError(f"{H} query heads cannot share {KV} key-value heads evenly")
    if mask is not None and not np.asarray(mask).any(axis=-1).all():
        raise ValueError("a query row of the mask allows no key at all")
    g = H // KV
    qg = q.reshape(KV, g, Tq, hd)
    scores = qg @ k[:, None].swapaxes(-1, -2)
    scores = scores / math.sqrt(q.shape[1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)
    return (w @ v[:, None]).reshape(H, Tq, v.shape[-1])
