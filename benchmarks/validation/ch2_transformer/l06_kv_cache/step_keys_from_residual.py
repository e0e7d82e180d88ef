"""forward_step projects the keys and values it caches from the residual stream x instead of the
LayerNorm'd h that the queries come from (x @ w_k where it must be ln1(x) @ w_k).

Basis: in nanoGPT the attention module receives ln_1(x) and computes q, k, v from its input;
when the block is unrolled into a cached step function, the projections are easily written on x.
"""

EXPECT = ["layernorm", "layer_norm", "normalised", "normalized"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError(f"{past} cached + {t} new positions exceed the context length")
    H = config["n_heads"]
    d = config["d_model"]
    dh = d // H
    x = params["wte"][ids_new] + params["wpe"][past : past + t]
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)

    def heads(a):
        return a.reshape(a.shape[0], H, dh).transpose(1, 0, 2)

    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q = h @ block["w_q"] + block["b_q"]
        cache.append(layer, x @ block["w_k"] + block["b_k"], x @ block["w_v"] + block["b_v"])
        K, V = cache.keys(layer), cache.values(layer)
        out = attention(heads(q), heads(K), heads(V), mask)
        out = out.transpose(1, 0, 2).reshape(t, d)
        x = x + out @ block["w_o"] + block["b_o"]
        x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return lm_head(params, x)
