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
    # TODO(2.2): one np.random.default_rng(seed); rng.normal(0.0, 0.02, size=shape) for every
    #   weight, zeros for biases, ones for gains.
    raise NotImplementedError("lesson 2.2: init_params is not written yet")


def embed_tokens(params: dict, ids: np.ndarray) -> np.ndarray:
    """Token embedding plus position embedding: wte[ids] + wpe[:T], shape (T, d).

    More ids than context_length (the rows of wpe) raises ValueError.
    """
    # TODO(2.2): check len(ids) against wpe.shape[0], then index wte with the ids and add the
    #   first T rows of wpe.
    raise NotImplementedError("lesson 2.2: embed_tokens is not written yet")


def layer_norm(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Normalize each row over the last axis (biased variance), then scale by g and shift by b.

    layer_norm([[1, 3]], [1, 1], [0, 0])  ->  about [[-1, 1]]
    """
    # TODO(2.2): mean and variance over axis=-1 with keepdims=True; the variance divides by d.
    raise NotImplementedError("lesson 2.2: layer_norm is not written yet")


def lm_head(params: dict, h: np.ndarray) -> np.ndarray:
    """The final LayerNorm, then the tied unembedding: (T, d) -> logits (T, V)."""
    # TODO(2.2): layer_norm with lnf_g and lnf_b, then multiply by wte transposed.
    raise NotImplementedError("lesson 2.2: lm_head is not written yet")


def forward(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """ids (T,) -> logits (T, V): embed, run every block, then the head."""
    # TODO(2.2): embed_tokens, then transformer_block(x, block, n_heads) for each block
    #   (import it inside this function), then lm_head.
    raise NotImplementedError("lesson 2.2: forward is not written yet")


def count_parameters(params: dict) -> int:
    """The number of scalars in all arrays, blocks included (wte counted once: it is tied)."""
    # TODO(2.2): add up .size of every array, including the arrays in every block dict.
    raise NotImplementedError("lesson 2.2: count_parameters is not written yet")
