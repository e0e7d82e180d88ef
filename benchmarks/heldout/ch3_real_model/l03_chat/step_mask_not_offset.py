"""forward_step builds its mask as np.tril(ones((t, past + t))) without k=past, so a new token
cannot see most of the cached positions.

Basis: the square causal mask reused for the rectangular (t, past + t) scores of a cached step.
"""

EXPECT = ["k=past", "offset", "cached positions"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError("exceeds the context length")
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    cos, sin = rope_tables(np.arange(past, past + t), config["head_dim"], config["rope_base"])
    mask = np.tril(np.ones((t, past + t), dtype=bool))
    x = params["wte"][ids_new]
    for layer, block in enumerate(params["blocks"]):
        h = rms_norm(x, block["attn_norm"], eps)
        q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
        k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
        cache.append(layer, _flat(k), h @ block["w_v"])
        K = _heads(np.asarray(cache.keys(layer), dtype=x.dtype), KV)
        V = _heads(np.asarray(cache.values(layer), dtype=x.dtype), KV)
        x = x + _flat(grouped_query_attention(q, K, V, mask)) @ block["w_o"]
        x = x + swiglu(
            rms_norm(x, block["mlp_norm"], eps), block["w_gate"], block["w_up"], block["w_down"]
        )
    return rms_norm(x, params["norm"], eps) @ params["wte"].T
