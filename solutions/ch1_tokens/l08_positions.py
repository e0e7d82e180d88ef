"""Lesson 1.8 - Position matters.

Attention compares every token with every other one and never looks at where they stand, so
the model is told the positions. In scope: the sinusoidal table added to the embeddings (the
original transformer) and rotary position embedding, RoPE (most current LLMs), with its
relative-position property. Left out: learned position tables and attention itself (chapter 2).
Read lessons/ch1_tokens/1.8-position-matters.md first.
Check your work with:  hexahype check 1.8
"""

from __future__ import annotations

import numpy as np


def _frequencies(d_model: int, base: float) -> np.ndarray:
    """base^(-2i/d) for i = 0 .. d/2-1: one angular speed per pair of dimensions."""
    two_i = np.arange(0, d_model, 2)  # 0, 2, 4, ...: the "2i" of the formula, not i
    return base ** (-two_i / d_model)  # (d/2,)


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    """The (n_positions, d_model) table of the original transformer, interleaved:

        P[p, 2i]   = sin(p / 10000^(2i/d))
        P[p, 2i+1] = cos(p / 10000^(2i/d))

    sinusoidal_positions(2, 2)  ->  [[0, 1], [sin 1, cos 1]]  =  [[0, 1], [0.841, 0.540]]

    An odd d_model raises ValueError: every sine needs its cosine.
    """
    if d_model <= 0 or d_model % 2:
        raise ValueError(f"d_model must be a positive even number, got {d_model}")
    if n_positions < 0:
        raise ValueError(f"n_positions must be at least 0, got {n_positions}")
    angles = np.arange(n_positions)[:, None] * _frequencies(d_model, 10000.0)  # (n, d/2)
    table = np.empty((n_positions, d_model))
    table[:, 0::2] = np.sin(angles)  # even columns
    table[:, 1::2] = np.cos(angles)  # odd columns
    return table


def add_positions(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """x + the first T rows of the table, where x is (T, d) or (B, T, d).

    add_positions(zeros((2, 2)), sinusoidal_positions(5, 2))  ->  the table's rows 0 and 1

    A T larger than the table, or a d that differs from the table's, raises ValueError.
    """
    x = np.asarray(x)
    table = np.asarray(table)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (T, d) or (B, T, d), got shape {x.shape}")
    T, d = x.shape[-2:]
    if T > table.shape[0]:
        raise ValueError(f"{T} positions, but the table has only {table.shape[0]} rows")
    if d != table.shape[1]:
        raise ValueError(f"x has d = {d}, the table has d = {table.shape[1]}")
    return x + table[:T]  # (T, d) broadcasts over the batch axis


def rotate_pairs(x: np.ndarray, positions: np.ndarray, base: float = 10000.0) -> np.ndarray:
    """Rotary position embedding (RoPE). x is (T, d) and positions is (T,).

    The pairs (x[:, 2i], x[:, 2i+1]) are interleaved, and pair i of row t turns counter-clockwise
    by theta = positions[t] * base^(-2i/d):

        (a, b)  ->  (a cos theta - b sin theta,  a sin theta + b cos theta)

    rotate_pairs([[1, 0]], [1])  ->  [[cos 1, sin 1]]  =  [[0.540, 0.841]]

    An odd d raises ValueError.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % 2:
        raise ValueError(f"d must be even to form pairs, got {x.shape[-1]}")
    theta = np.asarray(positions, dtype=np.float64)[..., None] * _frequencies(x.shape[-1], base)
    cos, sin = np.cos(theta), np.sin(theta)  # (T, d/2)
    a, b = x[..., 0::2], x[..., 1::2]  # (T, d/2) each: the two halves of every pair
    out = np.empty_like(x)
    out[..., 0::2] = a * cos - b * sin
    out[..., 1::2] = a * sin + b * cos
    return out


def relative_invariance(
    q: np.ndarray, k: np.ndarray, m: int, n: int, shift: int
) -> tuple[float, float]:
    """(rot(q, m) . rot(k, n),  rot(q, m + shift) . rot(k, n + shift)) for q, k of shape (d,).

    With RoPE the score depends only on n - m, so the two numbers are equal.
    """
    q = np.asarray(q, dtype=np.float64)[None, :]  # (1, d): one row for rotate_pairs
    k = np.asarray(k, dtype=np.float64)[None, :]

    def score(pm: int, pn: int) -> float:
        return float(rotate_pairs(q, np.array([pm]))[0] @ rotate_pairs(k, np.array([pn]))[0])

    return score(m, n), score(m + shift, n + shift)
