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
    return KVCache(config["n_layers"], capacity, config["n_kv_heads"] * config["head_dim"])


def forward_step(params: dict, ids_new: np.ndarray, cache: KVCache, config: dict) -> np.ndarray:
    """Run only the new tokens (t,) through the model. They sit at positions len(cache) ..
    len(cache) + t - 1 and attend to the cached keys and values and to each other. Their keys
    (after RoPE) and values are appended to the cache (from new_cache). Returns logits (t, V) in the weights'
    dtype (float32 for SmolLM2), equal to the matching rows of forward. Running past
    context_length raises ValueError.
    """
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    cos, sin = rope_tables(np.arange(past, past + t), config["head_dim"], config["rope_base"])
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)  # row i sees keys 0..past + i
    x = params["wte"][ids_new]  # (t, d)
    for layer, block in enumerate(params["blocks"]):
        h = rms_norm(x, block["attn_norm"], eps)
        q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)  # (H, t, hd)
        k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)  # (KV, t, hd)
        cache.append(layer, _flat(k), h @ block["w_v"])  # (t, KV*hd) each
        # lesson 2.6's cache may store float64 (np.zeros' default): bring it back to x's dtype,
        # or the whole pass silently turns float64 and runs many times slower
        K = _heads(np.asarray(cache.keys(layer), dtype=x.dtype), KV)  # (KV, past + t, hd)
        V = _heads(np.asarray(cache.values(layer), dtype=x.dtype), KV)
        att = grouped_query_attention(q, K, V, mask)  # (H, t, hd)
        x = x + _flat(att) @ block["w_o"]  # (t, d)
        x = x + swiglu(
            rms_norm(x, block["mlp_norm"], eps), block["w_gate"], block["w_up"], block["w_down"]
        )
    return rms_norm(x, params["norm"], eps) @ params["wte"].T  # (t, V)


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
    if not prompt:
        raise ValueError("the prompt must hold at least one id")
    if len(us) < n_new:
        raise ValueError(f"{n_new} new tokens need {n_new} uniform draws, got {len(us)}")
    cache = new_cache(config, len(prompt) + n_new)  # room for this run only
    logits = forward_step(params, np.array(prompt), cache, config)[-1]  # (V,): after the prompt
    new: list[int] = []
    for step in range(n_new):
        token = sample(logits, us[step], temperature, top_k, top_p)
        new.append(int(token))
        if token in stop_ids or step + 1 == n_new:  # done: the last id needs no forward pass
            break
        logits = forward_step(params, np.array([token]), cache, config)[0]  # (1, V) -> (V,)
    return new
