"""Lesson 2.2 - Components of the forward pass.

ids (T,) -> embeddings (T, d) -> transformer blocks (T, d) -> final LayerNorm -> logits (T, V).
In scope: the parameter layout, embeddings, LayerNorm, the language-model head and the loop
that ties them together. Left out: what happens inside a block (lesson 2.4). The parameter
layout of every chapter 2 lesson, each key and shape, is in init_params's docstring below.
Read lessons/ch2_transformer/2.2-components-of-the-forward-pass.md first.
Check your work with:  hexahype check 2.2
"""

from __future__ import annotations

import numpy as np


def init_params(config: dict, seed: int) -> dict:
    """Random parameters in the course layout: weights N(0, 0.02^2), biases 0, gains 1.

    config holds vocab_size (V), context_length (C), d_model (d), n_heads and n_layers. The
    result is a dict with exactly these keys and shapes (chapter 2 shares it):

        params["wte"]      (V, d)   token embeddings; also the LM head (tied)
        params["wpe"]      (C, d)   position embeddings
        params["lnf_g"]    (d,)     final LayerNorm gain
        params["lnf_b"]    (d,)     final LayerNorm bias
        params["blocks"]   a list of n_layers dicts; params["blocks"][i] holds
            "ln1_g", "ln1_b"               (d,)      LayerNorm before attention
            "w_q", "w_k", "w_v", "w_o"     (d, d)    attention projections
            "b_q", "b_k", "b_v", "b_o"     (d,)      their biases
            "ln2_g", "ln2_b"               (d,)      LayerNorm before the feed-forward network
            "w_in"                         (d, 4d)   feed-forward, first layer
            "b_in"                         (4d,)
            "w_out"                        (4d, d)   feed-forward, second layer
            "b_out"                        (d,)

    Every linear layer computes x @ w + b. Head h of n_heads uses the columns h*dh:(h+1)*dh of
    q, k and v, with dh = d // n_heads. Weights (w_*, wte, wpe) are N(0, 0.02^2) draws from one
    np.random.default_rng(seed); biases (b_*, ln*_b, lnf_b) are 0; gains (ln*_g, lnf_g) are 1.
    """
    V, C, d = config["vocab_size"], config["context_length"], config["d_model"]
    rng = np.random.default_rng(seed)

    def w(*shape: int) -> np.ndarray:
        return rng.normal(0.0, 0.02, size=shape)

    blocks = []
    for _ in range(config["n_layers"]):
        blocks.append(
            {
                "ln1_g": np.ones(d),
                "ln1_b": np.zeros(d),
                "w_q": w(d, d),
                "w_k": w(d, d),
                "w_v": w(d, d),
                "w_o": w(d, d),
                "b_q": np.zeros(d),
                "b_k": np.zeros(d),
                "b_v": np.zeros(d),
                "b_o": np.zeros(d),
                "ln2_g": np.ones(d),
                "ln2_b": np.zeros(d),
                "w_in": w(d, 4 * d),
                "b_in": np.zeros(4 * d),
                "w_out": w(4 * d, d),
                "b_out": np.zeros(d),
            }
        )
    return {
        "wte": w(V, d),
        "wpe": w(C, d),
        "lnf_g": np.ones(d),
        "lnf_b": np.zeros(d),
        "blocks": blocks,
    }


def embed_tokens(params: dict, ids: np.ndarray) -> np.ndarray:
    """Token embedding plus position embedding: wte[ids] + wpe[:T], shape (T, d).

    More ids than context_length (the rows of wpe) raises ValueError.
    """
    ids = np.asarray(ids)
    T = len(ids)
    C = params["wpe"].shape[0]
    if T > C:
        raise ValueError(f"{T} ids do not fit the context length {C}")
    return params["wte"][ids] + params["wpe"][:T]  # (T, d) + (T, d)


def layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Normalize each row over the last axis (biased variance), then scale by g and shift by b.

    layer_norm([[1, 3]], [1, 1], [0, 0])  ->  about [[-1, 1]]
    """
    mean = x.mean(axis=-1, keepdims=True)  # (T, 1)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)  # (T, 1), divides by d, not d - 1
    return (x - mean) / np.sqrt(var + eps) * g + b  # (T, d)


def lm_head(params: dict, h: np.ndarray) -> np.ndarray:
    """The final LayerNorm, then the tied unembedding: (T, d) -> logits (T, V)."""
    h = layer_norm(h, params["lnf_g"], params["lnf_b"])  # (T, d)
    return h @ params["wte"].T  # (T, d) @ (d, V) -> (T, V)


def forward(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """ids (T,) -> logits (T, V): embed, run every block, then the head."""
    x = embed_tokens(params, ids)  # (T, d)
    if params["blocks"]:
        # Imported here, not at the top: l04_block imports layer_norm from this module.
        from .l04_block import transformer_block

        for block in params["blocks"]:
            x = transformer_block(x, block, config["n_heads"])  # (T, d)
    return lm_head(params, x)  # (T, V)


def count_parameters(params: dict) -> int:
    """The number of scalars in all arrays, blocks included (wte counted once: it is tied)."""
    total = 0
    for name, value in params.items():
        if name == "blocks":
            total += sum(int(np.size(a)) for block in value for a in block.values())
        else:
            total += int(np.size(value))
    return total
