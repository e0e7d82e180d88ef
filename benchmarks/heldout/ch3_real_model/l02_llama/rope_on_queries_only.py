"""llama_block applies RoPE to the queries but not to the keys, so the scores no longer depend
on the distance between positions.

Basis: RoPE rotates both q and k (the score depends on their angle difference); rotating one
side only is a frequent slip when porting.
"""

EXPECT = ["keys", "q and k", "both"]


def llama_block(x, block, config, cos, sin):
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    T = x.shape[0]
    h = rms_norm(x, block["attn_norm"], eps)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
    k = _heads(h @ block["w_k"], KV)
    v = _heads(h @ block["w_v"], KV)
    mask = np.tril(np.ones((T, T), dtype=bool))
    att = grouped_query_attention(q, k, v, mask)
    x = x + att.transpose(1, 0, 2).reshape(T, -1) @ block["w_o"]
    h = rms_norm(x, block["mlp_norm"], eps)
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
