"""Lesson 2.4 - Inside the transformer block.

One GPT-2 block: causal multi-head self-attention, which moves information between positions,
then a feed-forward network, which works on each position alone. Both sit on a pre-LayerNorm
residual path. In scope: GELU, the causal mask, scaled dot-product attention, heads, the
feed-forward network and the block. Left out: dropout, batches, and training.
Read lessons/ch2_transformer/2.4-inside-the-transformer-block.md first.
Check your work with:  hexahype check 2.4
"""

from __future__ import annotations

import numpy as np

from .l02_forward_pass import layer_norm


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU, the tanh approximation that GPT-2 uses.

    gelu(x) = 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))
    gelu([-3.0, 0.0, 1.0, 3.0])  ->  [-0.0036, 0.0, 0.8412, 2.9964]
    """
    # TODO(2.4): the formula above, with np.tanh, elementwise on any shape.
    raise NotImplementedError("lesson 2.4: gelu is not written yet")


def causal_mask(T: int) -> np.ndarray:
    """A (T, T) boolean array, True where position i may attend to position j, that is j <= i.

    causal_mask(3)  ->  [[ True, False, False],
                         [ True,  True, False],
                         [ True,  True,  True]]
    """
    # TODO(2.4): the lower triangle, diagonal included (np.tril of a boolean ones array).
    raise NotImplementedError("lesson 2.4: causal_mask is not written yet")


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
    # TODO(2.4): scores (Tq, Tk); mask with -inf; subtract each row's max; softmax over the
    # keys (last axis); weights @ v.
    raise NotImplementedError("lesson 2.4: attention is not written yet")


def multi_head_attention(
    x: np.ndarray, block: dict, n_heads: int, mask: np.ndarray | None
) -> np.ndarray:
    """Multi-head self-attention over x of shape (T, d); returns (T, d).

    Project q, k, v (each x @ W + b, (T, d)); head h uses the contiguous columns h*dh:(h+1)*dh
    with dh = d // n_heads; run `attention` per head; concatenate the heads back to (T, d);
    apply the output projection w_o, b_o.
    """
    # TODO(2.4): three projections, a loop over heads slicing columns, np.concatenate, then w_o.
    raise NotImplementedError("lesson 2.4: multi_head_attention is not written yet")


def feed_forward(x: np.ndarray, block: dict) -> np.ndarray:
    """The position-wise network: gelu(x @ w_in + b_in) @ w_out + b_out, (T, d) -> (T, d)."""
    # TODO(2.4): widen to (T, 4d), apply gelu, narrow back to (T, d).
    raise NotImplementedError("lesson 2.4: feed_forward is not written yet")


def transformer_block(x: np.ndarray, block: dict, n_heads: int) -> np.ndarray:
    """One pre-LN block with a causal mask, (T, d) -> (T, d):

    x = x + multi_head_attention(layer_norm(x, ln1), ...)
    x = x + feed_forward(layer_norm(x, ln2), ...)
    """
    # TODO(2.4): build causal_mask(T); normalise BEFORE each sublayer and add its output to x.
    raise NotImplementedError("lesson 2.4: transformer_block is not written yet")
