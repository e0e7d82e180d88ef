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
    ms = np.mean(x * x, axis=-1, keepdims=True)  # (..., 1)
    return x / np.sqrt(ms + eps) * g  # eps is a Python float: it keeps float32 float32


def swiglu(x: np.ndarray, w_gate: np.ndarray, w_up: np.ndarray, w_down: np.ndarray) -> np.ndarray:
    """The gated MLP: (silu(x @ w_gate) * (x @ w_up)) @ w_down, with silu(z) = z * sigmoid(z).

    x is (T, d), w_gate and w_up are (d, F), w_down is (F, d); the result is (T, d), in x's dtype.
    """
    gate = x @ w_gate  # (T, F)
    # sigmoid(z) = (1 + tanh(z / 2)) / 2: the same number, with no overflow of exp(-z)
    silu = gate * (0.5 * (1.0 + np.tanh(0.5 * gate)))  # (T, F)
    return (silu * (x @ w_up)) @ w_down  # (T, F) -> (T, d)


def rope_tables(
    positions: np.ndarray, head_dim: int, base: float = 10000.0
) -> tuple[np.ndarray, np.ndarray]:
    """The cos and sin tables of rotary position embedding, each (T, head_dim // 2), float32.

    cos[t, i] = cos(positions[t] * base ** (-2i / head_dim)), and sin likewise: pair i of a head
    turns by that angle at position positions[t]. An odd head_dim raises ValueError.

    rope_tables([0, 1], 4, base=100.0)  ->  cos [[1, 1], [0.5403, 0.995]],
                                            sin [[0, 0], [0.8415, 0.0998]]
    """
    if head_dim % 2:
        raise ValueError(f"head_dim must be even to form pairs, got {head_dim}")
    positions = np.asarray(positions, dtype=np.float64)  # (T,)
    inv_freq = base ** (-np.arange(0, head_dim, 2, dtype=np.float64) / head_dim)  # (hd/2,)
    angles = positions[:, None] * inv_freq[None, :]  # (T, hd/2), in float64 for accuracy
    # the tables multiply float32 activations: float64 tables would turn them all float64
    return np.cos(angles).astype(np.float32), np.sin(angles).astype(np.float32)


def apply_rope(x: np.ndarray, cos: np.ndarray, sin: np.ndarray) -> np.ndarray:
    """Rotate the interleaved pairs (x[..., 2i], x[..., 2i+1]) of every row of x by the angles
    of the tables: (a, b) -> (a*cos - b*sin, a*sin + b*cos).

    x is (..., T, head_dim), for example (n_heads, T, head_dim); cos and sin are
    (T, head_dim // 2) from rope_tables. The result has x's shape and dtype.
    """
    a, b = x[..., 0::2], x[..., 1::2]  # (..., T, hd/2): the two halves of each pair
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out
