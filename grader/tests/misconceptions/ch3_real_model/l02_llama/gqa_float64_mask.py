"""grouped_query_attention adds the causal mask as a float64 array of 0 and -inf: the scores,
and everything after them, silently become float64."""

EXPECT = "float64"


def grouped_query_attention(q, k, v, mask=None):
    H, KV = q.shape[0], k.shape[0]
    if H % KV:
        raise ValueError("heads do not divide")
    if mask is not None and not np.asarray(mask).any(axis=-1).all():
        raise ValueError("empty mask row")
    k, v = np.repeat(k, H // KV, axis=0), np.repeat(v, H // KV, axis=0)
    s = q @ k.swapaxes(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        s = s + np.where(mask, 0.0, -np.inf)
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    return (w / w.sum(axis=-1, keepdims=True)) @ v
