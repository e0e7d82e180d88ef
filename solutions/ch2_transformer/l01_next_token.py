"""Lesson 2.1 - Inputs and outputs of a trained LLM.

A language model reads token ids of shape (T,) and returns logits of shape (T, V): one score per
vocabulary entry at every position. Softmax turns the last row into the distribution of the next
token. In scope: softmax, reading the next-token distribution, cross-entropy and perplexity.
Left out: how the logits are computed (lessons 2.2 and 2.4) and how a token is chosen (2.3).
Read lessons/ch2_transformer/2.1-inputs-and-outputs-of-a-trained-llm.md first.
Check your work with:  hexahype check 2.1
"""

from __future__ import annotations

import numpy as np


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Turn scores into probabilities along `axis`; same shape as `logits`.

    softmax([0.0, 0.0])            ->  [0.5, 0.5]
    softmax([1000.0, 1000.0])      ->  [0.5, 0.5]   (no overflow: the max is subtracted first)
    softmax([0.0, -inf])           ->  [1.0, 0.0]

    A row that is all -inf raises ValueError: it has no probability to share out.
    """
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x, axis=axis, keepdims=True)
    if np.any(np.isneginf(m)):
        raise ValueError("softmax of a row that is all -inf is undefined (every token is masked)")
    # exp of (x - max) is at most 1, so it never overflows; exp(-inf) = 0 gives probability 0.
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def next_token_probs(logits: np.ndarray) -> np.ndarray:
    """The distribution of the token after the last position.

    logits (T, V)  ->  softmax(logits[-1])  of shape (V,)
    """
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (T, V), got shape {logits.shape}")
    return softmax(logits[-1])  # (V,)


def top_predictions(probs: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k most likely ids as (id, probability) pairs, best first, ties by lower id.

    top_predictions([0.1, 0.6, 0.3], 2)  ->  [(1, 0.6), (2, 0.3)]
    """
    probs = np.asarray(probs)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    # A stable sort of -probs keeps equal probabilities in id order.
    order = np.argsort(-probs, kind="stable")[:k]
    return [(int(i), float(probs[i])) for i in order]


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """The mean negative log-likelihood of `targets` (T,) under `logits` (T, V).

    Row t of the logits predicts targets[t]. Uniform logits over V tokens give log(V).
    """
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError(
            f"expected logits (T, V) and targets (T,), got {logits.shape} and {targets.shape}"
        )
    # log-softmax, stable: x - max - log(sum(exp(x - max)))
    m = logits.max(axis=-1, keepdims=True)  # (T, 1)
    log_probs = logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))  # (T, V)
    picked = log_probs[np.arange(len(targets)), targets]  # (T,)
    return float(-picked.mean())


def perplexity(logits: np.ndarray, targets: np.ndarray) -> float:
    """exp(cross_entropy): the number of equally likely choices the model is as unsure as."""
    return float(np.exp(cross_entropy(logits, targets)))
