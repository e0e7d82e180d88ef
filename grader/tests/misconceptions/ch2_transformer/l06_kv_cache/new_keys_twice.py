"""forward_step appends the new keys and values, then reads the cache AND adds the new keys and
values again: the new tokens attend to themselves twice."""


def forward_step(params, ids_new, cache, config):
    ids_new = np.asarray(ids_new)
    past, t = len(cache), len(ids_new)
    H = config["n_heads"]
    dh = config["d_model"] // H
    x = params["wte"][ids_new] + params["wpe"][past : past + t]
    # the new keys are in the cache once and appended once more: each new row sees past + 2t keys
    mask = np.concatenate(
        [np.tril(np.ones((t, past + t), dtype=bool), k=past), np.tril(np.ones((t, t), dtype=bool))],
        axis=1,
    )
    for layer, block in enumerate(params["blocks"]):
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])
        q = h @ block["w_q"] + block["b_q"]
        k, v = h @ block["w_k"] + block["b_k"], h @ block["w_v"] + block["b_v"]
        cache.append(layer, k, v)
        K = np.vstack([cache.keys(layer), k])
        V = np.vstack([cache.values(layer), v])
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
