"""Lesson 3.2 - The Llama block and the full model.

Grouped-query attention lets several query heads share one key-value head; the Llama block
puts it together with lesson 3.1's RMSNorm, RoPE and SwiGLU; the forward pass runs a stack of
blocks and reads the logits off the token embedding (a tied head). In scope: that pass, in
float32, on any model in this layout, SmolLM2-135M-Instruct included. Left out: the cache and
generation (lesson 3.3).

The layout (kit: grader/capstone/weights.py), with H query heads, KV key-value heads, head size
hd, F hidden units, and no biases anywhere:

    params = {"wte": (V, d), "norm": (d,), "blocks": [block, ...]}
    block  = {"attn_norm": (d,), "w_q": (d, H*hd), "w_k": (d, KV*hd), "w_v": (d, KV*hd),
              "w_o": (H*hd, d), "mlp_norm": (d,), "w_gate": (d, F), "w_up": (d, F),
              "w_down": (F, d)}
    config = {"vocab_size", "context_length", "d_model", "n_layers", "n_heads", "n_kv_heads",
              "head_dim", "d_ff", "rope_base", "norm_eps"}
Read lessons/ch3_real_model/3.2-the-llama-block-and-the-full-model.md first.
Check your work with:  hexahype check 3.2
"""

from __future__ import annotations

import math

import numpy as np

from .l01_llama_parts import apply_rope, rms_norm, rope_tables, swiglu


def grouped_query_attention(
    q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None = None
) -> np.ndarray:
    """Scaled dot-product attention in which query heads share key-value heads.

    q is (H, Tq, hd); k and v are (KV, Tk, hd), with H a multiple of KV. With g = H // KV,
    query head h reads key-value head h // g: heads 0..g-1 share KV head 0, and so on. mask is
    (Tq, Tk), True where a query may attend. Returns (H, Tq, hd) in q's dtype. H not a multiple
    of KV, or a mask row that allows nothing, raises ValueError.
    """
    # TODO(3.2): group the query heads (KV, g, Tq, hd); scores against their KV head, scaled by
    # 1/sqrt(hd); mask to -inf; softmax over the keys; weighted sum of v; back to (H, Tq, hd).
    raise NotImplementedError("lesson 3.2: grouped_query_attention is not written yet")


def _heads(a: np.ndarray, n: int) -> np.ndarray:
    """(T, n*hd) -> (n, T, hd): head h takes the columns h*hd:(h+1)*hd."""
    return a.reshape(a.shape[0], n, -1).transpose(1, 0, 2)


def llama_block(
    x: np.ndarray, block: dict, config: dict, cos: np.ndarray, sin: np.ndarray
) -> np.ndarray:
    """One Llama block over x (T, d), causal, pre-norm, no biases:

        h = rms_norm(x, attn_norm); q, k, v = h @ w_q, h @ w_k, h @ w_v, split into heads;
        RoPE on q and k; x = x + grouped_query_attention(...) @ w_o   (heads side by side)
        x = x + swiglu(rms_norm(x, mlp_norm), w_gate, w_up, w_down)

    cos and sin are rope_tables of the positions of x's rows, (T, head_dim // 2). Returns
    (T, d) in x's dtype.
    """
    # TODO(3.2): rms_norm; q, k, v split into heads; RoPE on q and k; causal grouped-query attention;
    # heads side by side @ w_o; residual; then the SwiGLU MLP on rms_norm(x); residual.
    raise NotImplementedError("lesson 3.2: llama_block is not written yet")


def forward(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """Logits (T, V) for token ids (T,): embed with wte (no position table), run every block
    with the RoPE tables of positions 0..T-1, apply the final RMSNorm, then the tied head
    `@ wte.T`. More ids than context_length raises ValueError.
    """
    # TODO(3.2): wte[ids]; rope tables for positions 0..T-1; every block; final rms_norm; @ wte.T.
    raise NotImplementedError("lesson 3.2: forward is not written yet")
