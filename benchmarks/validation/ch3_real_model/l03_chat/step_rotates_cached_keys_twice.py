"""forward_step caches the keys after RoPE, as it should, but then rotates the keys it reads
back from the cache again with the tables of positions 0..past + t - 1, as a full forward pass
does: every key is turned twice (by twice its angle).

Basis: porting forward (rotate all keys of the sequence) into the cached step; HF's
cache-then-rope vs rope-then-cache order is a frequent question
(keys are stored already rotated in LlamaAttention's past_key_value).
"""

EXPECT = ["twice", "already rotated", "after rope", "rotated again"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    cos, sin = rope_tables(np.arange(past, past + t), config["head_dim"], config["rope_base"])
    cos_all, sin_all = rope_tables(np.arange(past + t), config["head_dim"], config["rope_base"])
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)
    x = params["wte"][ids_new]
    for layer, block in enumerate(params["blocks"]):
        h = rms_norm(x, block["attn_norm"], eps)
        q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
        k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
        cache.append(layer, _flat(k), h @ block["w_v"])
        K = _heads(np.asarray(cache.keys(layer), dtype=x.dtype), KV)
        K = apply_rope(K, cos_all, sin_all)
        V = _heads(np.asarray(cache.values(layer), dtype=x.dtype), KV)
        att = grouped_query_attention(q, K, V, mask)
        x = x + _flat(att) @ block["w_o"]
        x = x + swiglu(
            rms_norm(x, block["mlp_norm"], eps), block["w_gate"], block["w_up"], block["w_down"]
        )
    return rms_norm(x, params["norm"], eps) @ params["wte"].T
