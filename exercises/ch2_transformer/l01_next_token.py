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
    # TODO(2.1): subtract the max along axis (keepdims=True), exponentiate, divide by the sum;
    #   check for an all -inf row first.
    raise NotImplementedError("lesson 2.1: softmax is not written yet")


def next_token_probs(logits: np.ndarray) -> np.ndarray:
    """The distribution of the token after the last position.

    logits (T, V)  ->  softmax(logits[-1])  of shape (V,)
    """
    # TODO(2.1): the last row of the logits, through softmax.
    raise NotImplementedError("lesson 2.1: next_token_probs is not written yet")


def top_predictions(probs: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The k most likely ids as (id, probability) pairs, best first, ties by lower id.

    top_predictions([0.1, 0.6, 0.3], 2)  ->  [(1, 0.6), (2, 0.3)]
    """
    # TODO(2.1): a stable argsort of -probs keeps equal probabilities in id order; take the first k.
    raise NotImplementedError("lesson 2.1: top_predictions is not written yet")


def cross_entropy(logits: np.ndarray, targets: np.ndarray) -> float:
    """The mean negative log-likelihood of `targets` (T,) under `logits` (T, V).

    Row t of the logits predicts targets[t]. Uniform logits over V tokens give log(V).
    """
    # TODO(2.1): log-softmax of each row, pick the target's entry, average the negatives.
    raise NotImplementedError("lesson 2.1: cross_entropy is not written yet")


def perplexity(logits: np.ndarray, targets: np.ndarray) -> float:
    """exp(cross_entropy): the number of equally likely choices the model is as unsure as."""
    # TODO(2.1): exp of the cross-entropy.
    raise NotImplementedError("lesson 2.1: perplexity is not written yet")
