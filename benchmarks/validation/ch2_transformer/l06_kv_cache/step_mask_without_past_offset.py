"""forward_step builds the (t, past + t) mask with np.tril(...) and no k=past offset, so new
token i may only see keys 0..i (the start of the sequence) instead of keys 0..past + i: a decoded
token attends to the very first position alone.

Basis: the square causal mask np.tril(ones((T, T))) of lesson 2.4 reused for the rectangular
cached case; the offset of the diagonal (HF's causal mask built from past_key_values_length) is
the detail cached-attention questions keep tripping on.
"""

EXPECT = ["k=past", "offset", "diagonal", "past + i"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H = config["n_heads"]
    d = config["d_model"]
    dh = d // H
    x = params["wte"][ids_new] + params["wpe"][past : past + t]
    mask = np.tril(np.ones((t, past + t), dtype=bool))

    def heads(a):
        return a.reshape(a.shape[0], H, dh).transpose(1, 0, 2)

    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q = h @ block["w_q"] + block["b_q"]
        cache.append(layer, h @ block["w_k"] + block["b_k"], h @ block["w_v"] + block["b_v"])
        K, V = cache.keys(layer), cache.values(layer)
        out = attention(heads(q), heads(K), heads(V), mask)
        out = out.transpose(1, 0, 2).reshape(t, d)
        x = x + out @ block["w_o"] + block["b_o"]
        x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return lm_head(params, x)
