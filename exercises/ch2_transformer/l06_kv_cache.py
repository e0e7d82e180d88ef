"""Lesson 2.6 - Speeding up generation with the KV cache.

Keys and values of past positions never change: a position only attends to itself and earlier
ones. So generation can keep them, and run only the newest token through the model at each
step. In scope: the cache, a forward pass over new tokens only, cached generation, and the
cache's memory. Left out: batching, paging and quantised caches.
Read lessons/ch2_transformer/2.6-speeding-up-generation-with-the-kv-cache.md first.
Check your work with:  hexahype check 2.6
"""

from __future__ import annotations

import numpy as np

from .l02_forward_pass import layer_norm, lm_head
from .l03_sampling import sample
from .l04_block import attention, feed_forward


class KVCache:
    """Keys and values per layer, each stored as (T_so_far, d), up to `capacity` positions.

    cache = KVCache(n_layers=2, capacity=8, d_model=4)
    cache.append(0, k, v)     # k, v: (t, d)
    cache.keys(0)             # (T_so_far, d)
    len(cache)                # positions stored in layer 0
    """

    def __init__(self, n_layers: int, capacity: int, d_model: int) -> None:
        # TODO(2.6): room for every layer's keys and values (a list per layer, or arrays).
        raise NotImplementedError("lesson 2.6: KVCache is not written yet")

    def append(self, layer: int, k: np.ndarray, v: np.ndarray) -> None:
        """Store t new positions' keys and values, each (t, d), after the ones already there.

        Going past `capacity` positions in a layer raises ValueError.
        """
        # TODO(2.6): raise ValueError when the layer would hold more than `capacity` positions.
        raise NotImplementedError("lesson 2.6: KVCache.append is not written yet")

    def keys(self, layer: int) -> np.ndarray:
        """The keys stored for `layer`, (T_so_far, d)."""
        raise NotImplementedError("lesson 2.6: KVCache.keys is not written yet")

    def values(self, layer: int) -> np.ndarray:
        """The values stored for `layer`, (T_so_far, d)."""
        raise NotImplementedError("lesson 2.6: KVCache.values is not written yet")

    def __len__(self) -> int:
        # TODO(2.6): the number of positions stored in layer 0.
        raise NotImplementedError("lesson 2.6: len(KVCache) is not written yet")


def forward_step(params: dict, ids_new: np.ndarray, cache: KVCache, config: dict) -> np.ndarray:
    """Run only the new tokens (t_new,) through the model; they attend to the cached keys and to
    each other. Appends their keys and values; returns logits (t_new, V), equal to the matching
    rows of prefill. Position embeddings continue from len(cache)."""
    # TODO(2.6): x = wte[ids_new] + wpe[past:past+t]; per layer: ln1, q, k, v; append k, v;
    # attend per head to cache.keys/values with a (t, past+t) mask; w_o; residual; ln2 + ff.
    raise NotImplementedError("lesson 2.6: forward_step is not written yet")


def generate_cached(
    params: dict,
    prompt: list[int],
    n_new: int,
    config: dict,
    us: list[float],
    temperature: float = 0.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> list[int]:
    """The same ids as generate from lesson 2.5, with a KV cache: prefill the prompt once, then
    feed one new id per step. The prompt plus the new ids must fit context_length."""
    # TODO(2.6): one KVCache; forward_step on the whole prompt; then sample, feed that one id, ...
    raise NotImplementedError("lesson 2.6: generate_cached is not written yet")


def kv_cache_bytes(
    n_layers: int, d_model: int, seq_len: int, batch: int = 1, bytes_per_value: int = 4
) -> int:
    """Memory of a full cache: keys and values (the 2), per layer, per position, per sequence.

    kv_cache_bytes(12, 768, 1024)  ->  75497472    (GPT-2 small, 1,024 tokens, float32: 72 MiB)
    """
    # TODO(2.6): 2 * n_layers * d_model * seq_len * batch * bytes_per_value.
    raise NotImplementedError("lesson 2.6: kv_cache_bytes is not written yet")
