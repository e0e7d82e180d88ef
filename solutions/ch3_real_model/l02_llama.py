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
    H, Tq, hd = q.shape
    KV = k.shape[0]
    if H % KV:
        raise ValueError(f"{H} query heads cannot share {KV} key-value heads evenly")
    if mask is not None and not np.asarray(mask).any(axis=-1).all():
        raise ValueError("a query row of the mask allows no key at all")
    g = H // KV
    qg = q.reshape(KV, g, Tq, hd)  # query head h = j*g + r is member r of group j
    scores = qg @ k[:, None].swapaxes(
        -1, -2
    )  # (KV, g, Tq, hd) @ (KV, 1, hd, Tk) -> (KV, g, Tq, Tk)
    scores = scores / math.sqrt(hd)  # a Python float: float32 stays float32
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    scores = scores - scores.max(axis=-1, keepdims=True)
    w = np.exp(scores)
    w = w / w.sum(axis=-1, keepdims=True)  # (KV, g, Tq, Tk)
    return (w @ v[:, None]).reshape(H, Tq, v.shape[-1])  # (KV, g, Tq, hd) -> (H, Tq, hd)


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
    T = x.shape[0]
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    h = rms_norm(x, block["attn_norm"], eps)  # (T, d)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)  # (H, T, hd)
    k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)  # (KV, T, hd)
    v = _heads(h @ block["w_v"], KV)  # (KV, T, hd)
    mask = np.tril(np.ones((T, T), dtype=bool))  # (T, T): position i sees 0..i
    att = grouped_query_attention(q, k, v, mask)  # (H, T, hd)
    x = x + att.transpose(1, 0, 2).reshape(T, -1) @ block["w_o"]  # (T, H*hd) @ (H*hd, d)
    h = rms_norm(x, block["mlp_norm"], eps)
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])  # (T, d)


def forward(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """Logits (T, V) for token ids (T,): embed with wte (no position table), run every block
    with the RoPE tables of positions 0..T-1, apply the final RMSNorm, then the tied head
    `@ wte.T`. More ids than context_length raises ValueError.
    """
    ids = np.asarray(ids)
    T = len(ids)
    if T > config["context_length"]:
        raise ValueError(f"{T} ids exceed the context length {config['context_length']}")
    x = params["wte"][ids]  # (T, d)
    cos, sin = rope_tables(np.arange(T), config["head_dim"], config["rope_base"])  # (T, hd/2)
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)  # (T, d)
    h = rms_norm(x, params["norm"], config["norm_eps"])
    return h @ params["wte"].T  # (T, d) @ (d, V): the embedding is the head too
