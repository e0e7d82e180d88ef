"""forward_step adds wpe[:t] to the new tokens, as a full forward pass does, instead of
continuing the positions from len(cache): every generated token believes it is at position 0."""

EXPECT = "positions continue from len(cache)"


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    H = config["n_heads"]
    dh = config["d_model"] // H
    x = params["wte"][ids_new] + params["wpe"][:t]
    mask = np.tril(np.ones((t, past + t), dtype=bool), k=past)
    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q = h @ block["w_q"] + block["b_q"]
        cache.append(layer, h @ block["w_k"] + block["b_k"], h @ block["w_v"] + block["b_v"])
        K, V = cache.keys(layer), cache.values(layer)
        heads = [
            attention(
                q[:, i * dh : (i + 1) * dh],
                K[:, i * dh : (i + 1) * dh],
                V[:, i * dh : (i + 1) * dh],
                mask,
            )
            for i in range(H)
        ]
        x = x + np.concatenate(heads, axis=-1) @ block["w_o"] + block["b_o"]
        x = x + feed_forward(layer_norm(x, block["ln2_g"], block["ln2_b"]), block)
    return lm_head(params, x)
