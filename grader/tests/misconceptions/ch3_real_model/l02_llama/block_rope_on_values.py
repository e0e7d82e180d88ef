"""llama_block rotates the values too. RoPE belongs to q and k only: it shapes which positions
attend to which, not what is read from them."""


def llama_block(x, block, config, cos, sin):
    T = x.shape[0]
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    h = rms_norm(x, block["attn_norm"], eps)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
    k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
    v = apply_rope(_heads(h @ block["w_v"], KV), cos, sin)
    att = grouped_query_attention(q, k, v, np.tril(np.ones((T, T), dtype=bool)))
    x = x + att.transpose(1, 0, 2).reshape(T, -1) @ block["w_o"]
    h = rms_norm(x, block["mlp_norm"], eps)
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
