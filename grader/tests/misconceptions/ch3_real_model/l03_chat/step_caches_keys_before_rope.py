"""forward_step caches the keys before RoPE and rotates everything it reads back with the
tables of the new positions: every cached key is turned by the wrong angle."""


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError("too long")
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    cos, sin = rope_tables(np.arange(past, past + t), config["head_dim"], config["rope_base"])
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)
    x = params["wte"][ids_new]
    for layer, block in enumerate(params["blocks"]):
        h = rms_norm(x, block["attn_norm"], eps)
        q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
        cache.append(layer, h @ block["w_k"], h @ block["w_v"])
        K = _heads(np.asarray(cache.keys(layer), dtype=x.dtype), KV)
        V = _heads(np.asarray(cache.values(layer), dtype=x.dtype), KV)
        c, s = (
            np.resize(cos, (K.shape[1], cos.shape[1])),
            np.resize(sin, (K.shape[1], sin.shape[1])),
        )
        K = apply_rope(K, c, s)
        x = x + _flat(grouped_query_attention(q, K, V, mask)) @ block["w_o"]
        h = rms_norm(x, block["mlp_norm"], eps)
        x = x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
    return rms_norm(x, params["norm"], eps) @ params["wte"].T
