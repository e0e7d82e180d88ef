"""Lesson 2.3 - Sampling and decoding.

A model gives logits (V,) for the next token; a decoding rule turns them into one id. In scope:
greedy, temperature, top-k, top-p (nucleus) and inverse-CDF sampling with a given uniform draw u.
Left out: the generation loop (lesson 2.5) and beam search.
Read lessons/ch2_transformer/2.3-sampling-and-decoding.md first.
Check your work with:  hexahype check 2.3
"""

from __future__ import annotations

import numpy as np


def _softmax(logits: np.ndarray) -> np.ndarray:
    """A stable softmax over a (V,) vector; given, so this lesson does not depend on 2.1."""
    x = np.asarray(logits, dtype=np.float64)
    e = np.exp(x - np.max(x))  # (V,); the kept maximum is finite, so exp never overflows
    return e / e.sum()


def greedy(logits: np.ndarray) -> int:
    """The id of the largest logit; ties go to the lowest id.

    greedy([1.0, 3.0, 3.0])  ->  1
    """
    # TODO(2.3): np.argmax already returns the first (lowest) id among equal maxima.
    raise NotImplementedError("lesson 2.3: greedy is not written yet")


def apply_temperature(logits: np.ndarray, t: float) -> np.ndarray:
    """logits / t, same shape. t < 1 sharpens, t > 1 flattens. t <= 0 raises ValueError."""
    # TODO(2.3): reject t <= 0, then divide.
    raise NotImplementedError("lesson 2.3: apply_temperature is not written yet")


def top_k_filter(logits: np.ndarray, k: int) -> np.ndarray:
    """Keep every logit >= the k-th largest (boundary ties kept); the rest become -inf.

    top_k_filter([1.0, 3.0, 2.0, 2.0], 2)  ->  [-inf, 3.0, 2.0, 2.0]
    A k below 1 raises ValueError; a k of V or more keeps every logit.
    """
    # TODO(2.3): find the k-th largest value; keep every logit >= it, set the rest to -np.inf.
    raise NotImplementedError("lesson 2.3: top_k_filter is not written yet")


def top_p_filter(logits: np.ndarray, p: float) -> np.ndarray:
    """Keep the smallest set of most likely tokens whose probability adds up to >= p.

    The token that crosses p is kept; ties sort lower id first; at least one token is kept.
    With probabilities [0.5, 0.3, 0.2] and p = 0.6, ids 0 and 1 are kept (0.5 < 0.6 <= 0.8).
    A p outside (0, 1] raises ValueError.
    """
    # TODO(2.3): softmax, a stable argsort of -probs, cumsum; keep the prefix up to and
    #   including the first position where the sum reaches p.
    raise NotImplementedError("lesson 2.3: top_p_filter is not written yet")


def sample_from_probs(probs: np.ndarray, u: float) -> int:
    """Inverse CDF: the smallest i with cumsum(probs)[i] > u, for u in [0, 1).

    sample_from_probs([0.2, 0.5, 0.3], 0.1)  ->  0
    sample_from_probs([0.2, 0.5, 0.3], 0.2)  ->  1    (0.2 is not > 0.2)
    When rounding leaves every cumsum <= u (the probabilities add up to a hair under 1), the
    answer is the last id with a probability above 0. A u outside [0, 1) raises ValueError.
    """
    # TODO(2.3): check u, then the first index where np.cumsum(probs) > u.
    raise NotImplementedError("lesson 2.3: sample_from_probs is not written yet")


def sample(
    logits: np.ndarray,
    u: float,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> int:
    """Temperature, then top-k, then top-p, then softmax, then sample_from_probs(probs, u).

    temperature == 0 means greedy (u is still checked). A u outside [0, 1) raises ValueError,
    and so do a temperature, top_k or top_p that the functions above reject.
    """
    # TODO(2.3): check u; temperature 0 -> greedy; else apply_temperature, top_k_filter,
    #   top_p_filter (when given), softmax, sample_from_probs.
    raise NotImplementedError("lesson 2.3: sample is not written yet")
