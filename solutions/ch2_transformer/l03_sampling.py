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
    return int(np.argmax(logits))  # argmax returns the first maximum


def apply_temperature(logits: np.ndarray, t: float) -> np.ndarray:
    """logits / t, same shape. t < 1 sharpens, t > 1 flattens. t <= 0 raises ValueError."""
    if t <= 0:
        raise ValueError(f"temperature must be > 0, got {t} (use greedy for temperature 0)")
    return np.asarray(logits, dtype=np.float64) / t


def top_k_filter(logits: np.ndarray, k: int) -> np.ndarray:
    """Keep every logit >= the k-th largest (boundary ties kept); the rest become -inf.

    top_k_filter([1.0, 3.0, 2.0, 2.0], 2)  ->  [-inf, 3.0, 2.0, 2.0]
    A k below 1 raises ValueError; a k of V or more keeps every logit.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.shape[-1]:
        return logits.copy()
    kth = np.sort(logits)[::-1][k - 1]  # the k-th largest value
    return np.where(logits >= kth, logits, -np.inf)  # (V,)


def top_p_filter(logits: np.ndarray, p: float) -> np.ndarray:
    """Keep the smallest set of most likely tokens whose probability adds up to >= p.

    The token that crosses p is kept; ties sort lower id first; at least one token is kept.
    With probabilities [0.5, 0.3, 0.2] and p = 0.6, ids 0 and 1 are kept (0.5 < 0.6 <= 0.8).
    A p outside (0, 1] raises ValueError.
    """
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    logits = np.asarray(logits, dtype=np.float64)
    probs = _softmax(logits)  # (V,)
    order = np.argsort(-probs, kind="stable")  # (V,) descending, ties by lower id
    cum = np.cumsum(probs[order])  # (V,)
    # The first position where the sum reaches p is the crossing token: keep up to and incl. it.
    n_keep = int(np.searchsorted(cum, p, side="left")) + 1
    n_keep = min(n_keep, len(order))  # rounding may leave cum[-1] a hair below p = 1
    out = np.full_like(logits, -np.inf)
    keep = order[:n_keep]
    out[keep] = logits[keep]
    return out


def sample_from_probs(probs: np.ndarray, u: float) -> int:
    """Inverse CDF: the smallest i with cumsum(probs)[i] > u, for u in [0, 1).

    sample_from_probs([0.2, 0.5, 0.3], 0.1)  ->  0
    sample_from_probs([0.2, 0.5, 0.3], 0.2)  ->  1    (0.2 is not > 0.2)
    When rounding leaves every cumsum <= u (the probabilities add up to a hair under 1), the
    answer is the last id with a probability above 0. A u outside [0, 1) raises ValueError.
    """
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    cum = np.cumsum(probs)  # (V,)
    i = int(np.searchsorted(cum, u, side="right"))
    # If rounding leaves cum[-1] <= u, fall back to the last token with probability > 0.
    if i >= len(cum):
        i = int(np.flatnonzero(np.asarray(probs) > 0)[-1])
    return i


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
    if not 0 <= u < 1:
        raise ValueError(f"u must be in [0, 1), got {u}")
    if temperature == 0:
        return greedy(logits)
    x = apply_temperature(logits, temperature)  # (V,)
    if top_k is not None:
        x = top_k_filter(x, top_k)
    if top_p is not None:
        x = top_p_filter(x, top_p)
    return sample_from_probs(_softmax(x), u)
