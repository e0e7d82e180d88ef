"""grouped_query_attention divides the scores by sqrt(H * hd), the model width, instead of
sqrt(hd), the head dimension.

Basis: the 1/sqrt(d_k) of "Attention is all you need" read as the model's d.
"""

EXPECT = ["sqrt(hd)", "head dimension", "head_dim"]


def grouped_query_attention(q, k, v, mask=None):
    H, Tq, hd = q.shape
    KV = k.shape[0]
    if H % KV:
        raise ValueError("heads do not divide")
    if mask is not None and not np.asarray(mask).any(axis=-1).all():
        raise ValueError("empty mask row")
    g = H // KV
    s = q.reshape(KV, g, Tq, hd) @ k[:, None].swapaxes(-1, -2) / math.sqrt(H * hd)
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    w = w / w.sum(axis=-1, keepdims=True)
    return (w @ v[:, None]).reshape(H, Tq, v.shape[-1])
