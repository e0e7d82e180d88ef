"""forward_step passes no mask to grouped_query_attention (mask=None), which is right for a
decode step of one token but lets every prompt position attend to the later prompt tokens when
several new tokens come in one step (the prefill).

Basis: "a single new token may see the whole cache, so the cached step needs no mask" generalised
to the prompt; HF's Llama skips the causal mask when q_len == 1 and learners drop it altogether,
then wonder why the prefill's logits differ from the full forward pass.
"""

EXPECT = ["causal", "mask", "later prompt", "future"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    cos, sin = rope_tables(np.arange(past, past + t), config["head_dim"], config["rope_base"])
    x = params["wte"][ids_new]
    for layer, block in enumerate(params["blocks"]):
        h = rms_norm(x, block["attn_norm"], eps)
        q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
        k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
        cache.append(layer, _flat(k), h @ block["w_v"])
        K = _heads(np.asarray(cache.keys(layer), dtype=x.dtype), KV)
        V = _heads(np.asarray(cache.values(layer), dtype=x.dtype), KV)
        att = grouped_query_attention(q, K, V, None)
        x = x + _flat(att) @ block["w_o"]
        x = x + swiglu(
            rms_norm(x, block["mlp_norm"], eps), block["w_gate"], block["w_up"], block["w_down"]
        )
    return rms_norm(x, params["norm"], eps) @ params["wte"].T
