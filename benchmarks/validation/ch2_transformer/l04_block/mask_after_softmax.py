"""attention applies the causal mask after the softmax (zeroing the weights of the masked keys)
instead of setting the masked scores to -inf before it, so each query's remaining weights no
longer sum to 1.

Basis: "the mask zeroes the future" taken literally; the order (masked_fill with -inf, then
softmax) is the point of nanoGPT's CausalSelfAttention and a recurring forum question.
"""

EXPECT = ["before the softmax", "after the softmax", "sum to 1", "renormal"]


def attention(q, k, v, mask=None):
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    dh = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(dh)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    weights /= weights.sum(axis=-1, keepdims=True)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != scores.shape[-2:]:
            raise ValueError(f"mask has shape {mask.shape}, expected {scores.shape[-2:]}")
        empty = ~mask.any(axis=-1)
        if empty.any():
            raise ValueError(f"the mask lets query row {int(np.argmax(empty))} attend to nothing")
        weights = np.where(mask, weights, 0.0)
    return weights @ v
