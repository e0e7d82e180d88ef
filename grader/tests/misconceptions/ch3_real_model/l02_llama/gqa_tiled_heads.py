"""grouped_query_attention gives query head h the KV head h % KV (np.tile): heads 0, 3, 6 share
KV head 0 instead of heads 0, 1, 2. The model was trained with neighbours sharing."""

EXPECT = "h // (H // KV)"


def grouped_query_attention(q, k, v, mask=None):
    H, KV = q.shape[0], k.shape[0]
    if H % KV:
        raise ValueError("heads do not divide")
    if mask is not None and not np.asarray(mask).any(axis=-1).all():
        raise ValueError("empty mask row")
    k, v = np.tile(k, (H // KV, 1, 1)), np.tile(v, (H // KV, 1, 1))
    s = q @ k.swapaxes(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        s = np.where(mask, s, -np.inf)
    w = np.exp(s - s.max(axis=-1, keepdims=True))
    return (w / w.sum(axis=-1, keepdims=True)) @ v
