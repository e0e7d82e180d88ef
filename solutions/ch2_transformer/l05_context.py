"""Lesson 2.5 - Parallel processing and context size.

A prompt goes through the model in one pass (prefill): every position's logits at once, because
the causal mask already stops each position from seeing later ones. Generation then runs one
token at a time. In scope: prefill, the same logits recomputed prefix by prefix, the quadratic
number of attention scores, fitting a context window, and a plain generation loop. Left out:
the KV cache (lesson 2.6) and batching.
Read lessons/ch2_transformer/2.5-parallel-processing-and-context-size.md first.
Check your work with:  hexahype check 2.5
"""

from __future__ import annotations

import numpy as np

from .l02_forward_pass import forward
from .l03_sampling import sample


def prefill(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """The logits of every position in one pass: ids (T,) -> (T, V)."""
    return forward(params, np.asarray(ids), config)  # (T, V)


def sequential_logits(params: dict, ids: np.ndarray, config: dict) -> np.ndarray:
    """The same (T, V) logits, one position at a time: row t comes from running the model on
    the prefix ids[:t+1] and keeping its last row. Slow on purpose; equals prefill to 1e-5."""
    ids = np.asarray(ids)
    rows = [forward(params, ids[: t + 1], config)[-1] for t in range(len(ids))]  # T x (V,)
    return np.stack(rows)  # (T, V)


def attention_score_count(T: int, n_layers: int, n_heads: int) -> int:
    """How many query-key scores one causal prefill of T tokens computes.

    Position i scores i + 1 keys, so one head of one layer computes 1 + 2 + ... + T = T(T+1)/2.
    attention_score_count(4, 1, 1)  ->  10
    """
    if T < 0 or n_layers < 0 or n_heads < 0:
        raise ValueError("T, n_layers and n_heads must not be negative")
    return int(n_layers * n_heads * (T * (T + 1) // 2))


def fit_context(ids: list[int], context_length: int) -> list[int]:
    """Keep the most recent `context_length` ids (drop the oldest).

    fit_context([1, 2, 3, 4, 5], 3)  ->  [3, 4, 5]
    A context_length below 1 raises ValueError.
    """
    if context_length < 1:
        raise ValueError(f"context_length must be at least 1, got {context_length}")
    return list(ids)[-context_length:]


def generate(
    params: dict,
    prompt: list[int],
    n_new: int,
    config: dict,
    us: list[float],
    temperature: float = 0.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> list[int]:
    """Generate n_new ids, one at a time, without a cache: each step re-runs the model on the
    fitted context and samples the next id from the last row with the draw us[step].
    Returns only the new ids."""
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    ids = list(prompt)
    new: list[int] = []
    for step in range(n_new):
        context = fit_context(ids, config["context_length"])  # at most C ids
        logits = forward(params, np.array(context), config)[-1]  # (T, V) -> (V,): the last row
        token = sample(logits, us[step], temperature, top_k, top_p)
        ids.append(token)
        new.append(token)
    return new
