"""Lesson 3.3 - Chatting with a real model.

Generation with a KV cache, as in lesson 2.6, on the Llama layout of lesson 3.2: keys are
cached after RoPE, so a cached key never needs its position again, and a grouped-query cache
holds only the KV heads. Tokens are chosen by lesson 2.3's `sample`. In scope: the cached step
and greedy or sampled generation that stops at an end-of-turn token. Left out: batching and
the chat template (the kit's).
Read lessons/ch3_real_model/3.3-chatting-with-a-real-model.md first.
Check your work with:  hexahype check 3.3
"""

from __future__ import annotations

import numpy as np

from ..ch2_transformer.l03_sampling import sample
from ..ch2_transformer.l06_kv_cache import KVCache
from .l01_llama_parts import apply_rope, rms_norm, rope_tables, swiglu
from .l02_llama import grouped_query_attention


def _heads(a: np.ndarray, n: int) -> np.ndarray:
    """(T, n*hd) -> (n, T, hd): head h takes the columns h*hd:(h+1)*hd."""
    return a.reshape(a.shape[0], n, -1).transpose(1, 0, 2)


def _flat(a: np.ndarray) -> np.ndarray:
    """(n, T, hd) -> (T, n*hd): the heads side by side again."""
    return a.transpose(1, 0, 2).reshape(a.shape[1], -1)


def new_cache(config: dict, capacity: int) -> KVCache:
    """An empty lesson 2.6 KVCache for this model, with room for `capacity` positions. Each
    layer stores the keys and values of the KV heads only: rows n_kv_heads * head_dim wide
    (192 for SmolLM2, a third of its 576 query columns).
    """
    # TODO(3.3): lesson 2.6's KVCache(n_layers, capacity, width) with the KV heads' width.
    raise NotImplementedError("lesson 3.3: new_cache is not written yet")


def forward_step(params: dict, ids_new: np.ndarray, cache: KVCache, config: dict) -> np.ndarray:
    """Run only the new tokens (t,) through the model. They sit at positions len(cache) ..
    len(cache) + t - 1 and attend to the cached keys and values and to each other. Their keys
    (after RoPE) and values are appended to the cache (from new_cache). Returns logits (t, V) in the weights'
    dtype (float32 for SmolLM2), equal to the matching rows of forward. Running past
    context_length raises ValueError.
    """
    # TODO(3.3): positions past..past+t-1 (past = len(cache)); per block: rms_norm, q/k/v, RoPE on
    # q and k, append k and v to the cache, read all keys and values back (as x's dtype),
    # attend with a (t, past + t) mask, w_o, residual, SwiGLU, residual. Then the head.
    raise NotImplementedError("lesson 3.3: forward_step is not written yet")


def generate(
    params: dict,
    prompt: list[int],
    n_new: int,
    config: dict,
    us: list[float],
    temperature: float = 0.0,
    top_k: int | None = None,
    top_p: float | None = None,
    stop_ids: tuple[int, ...] = (),
) -> list[int]:
    """Up to n_new new ids after the prompt, with a KV cache: run the prompt through
    forward_step once, then one new id per step, each chosen by lesson 2.3's
    sample(logits, us[step], temperature, top_k, top_p) (temperature 0 is greedy). Generation
    stops after an id in stop_ids, which is returned as the last id. The same ids as running
    forward on the whole sequence at every step.
    """
    # TODO(3.3): new_cache big enough for prompt + n_new; prefill the prompt with forward_step; then
    # sample one id per step with lesson 2.3's sample, stop after a stop id or n_new ids.
    raise NotImplementedError("lesson 3.3: generate is not written yet")
