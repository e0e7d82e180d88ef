"""Lesson 3.1 - What changed since GPT-2.

A Llama-style model keeps the transformer of chapter 2 and swaps three parts: RMSNorm for
LayerNorm, a gated MLP (SwiGLU) for the GELU MLP, and rotary positions (RoPE) inside attention
for the learned position table. In scope: those three parts, in float32. Left out: attention
(lesson 3.2) and everything about training.
Read lessons/ch3_real_model/3.1-what-changed-since-gpt-2.md first.
Check your work with:  hexahype check 3.1
"""

from __future__ import annotations

import numpy as np


def rms_norm(x: np.ndarray, g: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Scale each row of x (..., d) to root-mean-square 1, then multiply by the gain g (d,).

    x / sqrt(mean(x**2) + eps) * g, over the last axis. No mean is subtracted and there is no
    bias. The result keeps x's dtype (float32 stays float32).

    rms_norm([[3.0, 4.0]], [1.0, 1.0])  ->  [[0.8485, 1.1314]]    (the rms of 3 and 4 is 3.5355)
    """
    # TODO(3.1): divide by the root of the mean of x**2 over the last axis (plus eps),
    # then multiply by g. No mean subtracted, no bias.
    raise NotImplementedError("lesson 3.1: rms_norm is not written yet")


def swiglu(x: np.ndarray, w_gate: np.ndarray, w_up: np.ndarray, w_down: np.ndarray) -> np.ndarray:
    """The gated MLP: (silu(x @ w_gate) * (x @ w_up)) @ w_down, with silu(z) = z * sigmoid(z).

    x is (T, d), w_gate and w_up are (d, F), w_down is (F, d); the result is (T, d), in x's dtype.
    """
    # TODO(3.1): silu of the gate branch (x @ w_gate) times the up branch (x @ w_up), then @ w_down.
    raise NotImplementedError("lesson 3.1: swiglu is not written yet")


def rope_tables(
    positions: np.ndarray, head_dim: int, base: float = 10000.0
) -> tuple[np.ndarray, np.ndarray]:
    """The cos and sin tables of rotary position embedding, each (T, head_dim // 2), float32.

    cos[t, i] = cos(positions[t] * base ** (-2i / head_dim)), and sin likewise: pair i of a head
    turns by that angle at position positions[t]. An odd head_dim raises ValueError.

    rope_tables([0, 1], 4, base=100.0)  ->  cos [[1, 1], [0.5403, 0.995]],
                                            sin [[0, 0], [0.8415, 0.0998]]
    """
    # TODO(3.1): angles (T, hd/2) = positions * base ** (-2i / hd); cos and sin of them, as float32.
    raise NotImplementedError("lesson 3.1: rope_tables is not written yet")


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotate the interleaved pairs (x[..., 2i], x[..., 2i+1]) of every row of x by the angles
    of the tables: (a, b) -> (a*cos - b*sin, a*sin + b*cos).

    x is (..., T, head_dim), for example (n_heads, T, head_dim); cos and sin are
    (T, head_dim // 2) from rope_tables. The result has x's shape and dtype.
    """
    # TODO(3.1): a, b = the even and odd columns; write a*cos - b*sin and a*sin + b*cos back into
    # the even and odd columns of a new array.
    raise NotImplementedError("lesson 3.1: apply_rope is not written yet")
