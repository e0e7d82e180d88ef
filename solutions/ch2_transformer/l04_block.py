"""Lesson 2.4 - Inside the transformer block.

One GPT-2 block: causal multi-head self-attention, which moves information between positions,
then a feed-forward network, which works on each position alone. Both sit on a pre-LayerNorm
residual path. In scope: GELU, the causal mask, scaled dot-product attention, heads, the
feed-forward network and the block. Left out: dropout, batches, and training.
Read lessons/ch2_transformer/2.4-inside-the-transformer-block.md first.
Check your work with:  hexahype check 2.4
"""

from __future__ import annotations

import math

import numpy as np

from .l02_forward_pass import layer_norm


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, the tanh approximation that GPT-2 uses.

    gelu(x) = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))
    gelu([-3.0, 0.0, 1.0, 3.0])  ->  [-0.0036, 0.0, 0.8412, 2.9964]
    """
    x = np.asarray(x)
    # x * x * x, not x**3: numpy's general power is about 50 times slower on large arrays
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)))


def causal_mask(T: int) -> np.ndarray:
    """A (T, T) boolean array, True where position i may attend to position j, that is j <= i.

    causal_mask(3)  ->  [[ True, False, False],
                         [ True,  True, False],
                         [ True,  True,  True]]
    """
    if T < 0:
        raise ValueError(f"T must be at least 0, got {T}")
    return np.tril(np.ones((T, T), dtype=bool))  # (T, T): the diagonal is allowed


def attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Scaled dot-product attention: softmax(q @ k.T / sqrt(dh)) @ v.

    q is (Tq, dh), k is (Tk, dh), v is (Tk, dv); the result is (Tq, dv). `mask` is a boolean
    (Tq, Tk) array, True where attending is allowed; masked scores become -inf before the softmax.
    A query row whose mask allows nothing raises ValueError. The result never holds NaN.

    attention([[2, 0, 0, 0]], [[1, 0, 0, 0], [0, 0, 0, 0]], [[1, 0], [0, 1]])
        scores (2, 0) / sqrt(4) = (1, 0)  ->  weights (0.731, 0.269)  ->  [[0.731, 0.269]]
    """
    # swapaxes rather than .T: leading axes (one per head, as lesson 2.6's reference uses) work too
    q, k, v = np.asarray(q), np.asarray(k), np.asarray(v)
    dh = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(dh)  # (Tq, dh) @ (dh, Tk) -> (Tq, Tk)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)
        if mask.shape != scores.shape[-2:]:
            raise ValueError(f"mask has shape {mask.shape}, expected {scores.shape[-2:]}")
        empty = ~mask.any(axis=-1)
        if empty.any():
            raise ValueError(f"the mask lets query row {int(np.argmax(empty))} attend to nothing")
        scores = np.where(mask, scores, -np.inf)
    # softmax over the keys (the last axis): each query's weights sum to 1
    scores = scores - scores.max(axis=-1, keepdims=True)  # stable: the largest score is 0
    weights = np.exp(scores)  # (Tq, Tk); exp(-inf) = 0 for masked keys
    weights /= weights.sum(axis=-1, keepdims=True)
    return weights @ v  # (Tq, Tk) @ (Tk, dv) -> (Tq, dv)


def multi_head_attention(
    x: np.ndarray, block: dict, n_heads: int, mask: np.ndarray | None
) -> np.ndarray:
    """Multi-head self-attention over x of shape (T, d); returns (T, d).

    Project q, k, v (each x @ W + b, (T, d)); head h uses the contiguous columns h*dh:(h+1)*dh
    with dh = d // n_heads; run `attention` per head; concatenate the heads back to (T, d);
    apply the output projection w_o, b_o.
    """
    T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"d_model={d} is not divisible by n_heads={n_heads}")
    dh = d // n_heads
    q = x @ block["w_q"] + block["b_q"]  # (T, d)
    k = x @ block["w_k"] + block["b_k"]  # (T, d)
    v = x @ block["w_v"] + block["b_v"]  # (T, d)
    heads = []
    for h in range(n_heads):
        cols = slice(h * dh, (h + 1) * dh)
        heads.append(attention(q[:, cols], k[:, cols], v[:, cols], mask))  # (T, dh)
    joined = np.concatenate(heads, axis=-1)  # n_heads x (T, dh) -> (T, d)
    return joined @ block["w_o"] + block["b_o"]  # (T, d)


def feed_forward(x: np.ndarray, block: dict) -> np.ndarray:
    """The position-wise network: gelu(x @ w_in + b_in) @ w_out + b_out, (T, d) -> (T, d)."""
    hidden = gelu(x @ block["w_in"] + block["b_in"])  # (T, d) @ (d, 4d) -> (T, 4d)
    return hidden @ block["w_out"] + block["b_out"]  # (T, 4d) @ (4d, d) -> (T, d)


def transformer_block(x: np.ndarray, block: dict, n_heads: int) -> np.ndarray:
    """One pre-LN block with a causal mask, (T, d) -> (T, d):

    x = x + multi_head_attention(layer_norm(x, ln1), ...)
    x = x + feed_forward(layer_norm(x, ln2), ...)
    """
    mask = causal_mask(x.shape[0])  # (T, T)
    x = x + multi_head_attention(
        layer_norm(x, block["ln1_g"], block["ln1_b"]), block, n_heads, mask
    )
    x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return x  # (T, d)
