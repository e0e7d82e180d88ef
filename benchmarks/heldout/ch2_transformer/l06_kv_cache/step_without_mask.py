"""forward_step attends with no mask, so during a multi-token prefill each new token also sees
the new tokens after it.

Basis: https://github.com/Mikyx-1/TinyLLM/pull/18 ("causal mask being skipped during multi-token
KV-cache prefill"): a single-token step needs no mask, a prefill does.
"""

EXPECT = ["mask", "causal", "prefill"]


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    if past + t > config["context_length"]:
        raise ValueError("exceeds the context length")
    H, d = config["n_heads"], config["d_model"]
    dh = d // H
    x = params["wte"][ids_new] + params["wpe"][past : past + t]

    def heads(a):
        return a.reshape(a.shape[0], H, dh).transpose(1, 0, 2)

    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q = h @ block["w_q"] + block["b_q"]
        cache.append(layer, h @ block["w_k"] + block["b_k"], h @ block["w_v"] + block["b_v"])
        out = attention(heads(q), heads(cache.keys(layer)), heads(cache.values(layer)), None)
        x = x + out.transpose(1, 0, 2).reshape(t, d) @ block["w_o"] + block["b_o"]
        x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return lm_head(params, x)
