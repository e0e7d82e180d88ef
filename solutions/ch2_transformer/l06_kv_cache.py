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
        if n_layers < 1 or capacity < 1 or d_model < 1:
            raise ValueError("n_layers, capacity and d_model must be at least 1")
        self.capacity = capacity
        # preallocated: appending writes into place instead of copying the past at every step
        self._k = np.zeros((n_layers, capacity, d_model))  # (L, C, d)
        self._v = np.zeros((n_layers, capacity, d_model))  # (L, C, d)
        self._len = [0] * n_layers

    def append(self, layer: int, k: np.ndarray, v: np.ndarray) -> None:
        """Store t new positions' keys and values, each (t, d), after the ones already there.

        Going past `capacity` positions in a layer raises ValueError.
        """
        k, v = np.atleast_2d(k), np.atleast_2d(v)
        if k.shape != v.shape or k.shape[1] != self._k.shape[2]:
            raise ValueError(
                f"k and v must both be (t, {self._k.shape[2]}), got {k.shape}, {v.shape}"
            )
        n, t = self._len[layer], k.shape[0]
        if n + t > self.capacity:
            raise ValueError(f"the cache holds {self.capacity} positions; {n} + {t} do not fit")
        self._k[layer, n : n + t] = k
        self._v[layer, n : n + t] = v
        self._len[layer] = n + t

    def keys(self, layer: int) -> np.ndarray:
        """The keys stored for `layer`, (T_so_far, d)."""
        # a read-only view: nothing is copied, and a caller cannot change the cache
        return self._view(self._k[layer, : self._len[layer]])

    def values(self, layer: int) -> np.ndarray:
        """The values stored for `layer`, (T_so_far, d)."""
        return self._view(self._v[layer, : self._len[layer]])

    @staticmethod
    def _view(rows: np.ndarray) -> np.ndarray:
        view = rows.view()
        view.flags.writeable = False  # a caller cannot change the cache behind its back
        return view

    def __len__(self) -> int:
        return self._len[0]


def forward_step(params: dict, ids_new: np.ndarray, cache: KVCache, config: dict) -> np.ndarray:
    """Run only the new tokens (t_new,) through the model; they attend to the cached keys and to
    each other. Appends their keys and values; returns logits (t_new, V), equal to the matching
    rows of prefill. Position embeddings continue from len(cache)."""
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H = config["n_heads"]
    d = config["d_model"]
    dh = d // H
    x = params["wte"][ids_new] + params["wpe"][past : past + t]  # (t, d): positions past..past+t-1
    # new token i sits at position past + i and may see keys 0..past + i
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)  # (t, past + t)

    def heads(a: np.ndarray) -> np.ndarray:
        # head h takes the columns h*dh:(h+1)*dh: (n, d) -> (n, H, dh) -> (H, n, dh)
        return a.reshape(a.shape[0], H, dh).transpose(1, 0, 2)

    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])  # (t, d)
        q = h @ block["w_q"] + block["b_q"]  # (t, d)
        cache.append(layer, h @ block["w_k"] + block["b_k"], h @ block["w_v"] + block["b_v"])
        K, V = cache.keys(layer), cache.values(layer)  # (past + t, d): the new keys included once
        # all heads in one call, the same numbers as a loop over heads (one step is tiny, so the
        # loop's Python overhead would cost more than the arithmetic)
        out = attention(heads(q), heads(K), heads(V), mask)  # (H, t, dh)
        out = out.transpose(1, 0, 2).reshape(t, d)  # (H, t, dh) -> (t, d), heads side by side
        x = x + out @ block["w_o"] + block["b_o"]  # (t, d)
        x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)  # (t, d)
    return lm_head(params, x)  # (t, V)


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
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    if len(prompt) + n_new > config["context_length"]:
        raise ValueError(
            f"{len(prompt)} + {n_new} ids do not fit context_length {config['context_length']}"
        )
    cache = KVCache(config["n_layers"], config["context_length"], config["d_model"])
    logits = forward_step(params, np.array(prompt), cache, config)[-1]  # (V,): after the prompt
    new: list[int] = []
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(token)
        if step + 1 < n_new:  # the last id needs no forward pass
            logits = forward_step(params, np.array([token]), cache, config)[0]  # (1, V) -> (V,)
    return new


def kv_cache_bytes(
    n_layers: int, d_model: int, seq_len: int, batch: int = 1, bytes_per_value: int = 4
) -> int:
    """Memory of a full cache: keys and values (the 2), per layer, per position, per sequence.

    kv_cache_bytes(12, 768, 1024)  ->  75497472    (GPT-2 small, 1,024 tokens, float32: 72 MiB)
    """
    return int(2 * n_layers * d_model * seq_len * batch * bytes_per_value)
