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


def sinusoidal_positions(n_positions: int, d_model: int) -> np.ndarray:
    """The (n_positions, d_model) table of the original transformer, interleaved:

        P[p, 2i]   = sin(p / 10000^(2i/d))
        P[p, 2i+1] = cos(p / 10000^(2i/d))

    sinusoidal_positions(2, 2)  ->  [[0, 1], [sin 1, cos 1]]  =  [[0, 1], [0.841, 0.540]]

    An odd d_model raises ValueError: every sine needs its cosine.
    """
    # TODO(1.8): angles = p[:, None] / 10000 ** (two_i / d) with two_i = 0, 2, 4, ...;
    #            write sin into the even columns and cos into the odd ones.
    raise NotImplementedError("lesson 1.8: sinusoidal_positions is not written yet")


def add_positions(x: np.ndarray, table: np.ndarray) -> np.ndarray:
    """x + the first T rows of the table, where x is (T, d) or (B, T, d).

    add_positions(zeros((2, 2)), sinusoidal_positions(5, 2))  ->  the table's rows 0 and 1

    A T larger than the table, or a d that differs from the table's, raises ValueError.
    """
    # TODO(1.8): T is x.shape[-2]; broadcasting adds a (T, d) slice to every sequence.
    raise NotImplementedError("lesson 1.8: add_positions is not written yet")


def rotate_pairs(x: np.ndarray, positions: np.ndarray, base: float = 10000.0) -> np.ndarray:
    """Rotary position embedding (RoPE). x is (T, d) and positions is (T,).

    The pairs (x[:, 2i], x[:, 2i+1]) are interleaved, and pair i of row t turns counter-clockwise
    by theta = positions[t] * base^(-2i/d):

        (a, b)  ->  (a cos theta - b sin theta,  a sin theta + b cos theta)

    rotate_pairs([[1, 0]], [1])  ->  [[cos 1, sin 1]]  =  [[0.540, 0.841]]

    An odd d raises ValueError.
    """
    # TODO(1.8): theta has shape (T, d/2); a = x[:, 0::2], b = x[:, 1::2]; write the two
    #            rotated halves back into the even and odd columns of a new array.
    raise NotImplementedError("lesson 1.8: rotate_pairs is not written yet")


def relative_invariance(
    q: np.ndarray, k: np.ndarray, m: int, n: int, shift: int
) -> tuple[float, float]:
    """(rot(q, m) . rot(k, n),  rot(q, m + shift) . rot(k, n + shift)) for q, k of shape (d,).

    With RoPE the score depends only on n - m, so the two numbers are equal.
    """
    # TODO(1.8): rotate q and k as one-row arrays with rotate_pairs; return two Python floats.
    raise NotImplementedError("lesson 1.8: relative_invariance is not written yet")
