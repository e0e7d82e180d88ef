"""llama_block merges the heads with att.reshape(T, -1) straight from (H, T, hd), without first
transposing to (T, H, hd), so the rows handed to w_o mix the outputs of different positions.

Basis: the merge half of the reshape-vs-transpose trap (Meta's and nanoGPT's
.transpose(1, 2).contiguous().view(B, T, -1)); the shapes fit either way, so nothing raises.
"""

EXPECT = ["transpose", "(T, H, hd)", "heads side by side", "merge"]


def llama_block(x, block, config, cos, sin):
    T = x.shape[0]
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    h = rms_norm(x, block["attn_norm"], eps)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
    k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
    v = _heads(h @ block["w_v"], KV)
    mask = np.tril(np.ones((T, T), dtype=bool))
    att = grouped_query_attention(q, k, v, mask)
    x = x + att.reshape(T, -1) @ block["w_o"]
    h = rms_norm(x, block["mlp_norm"], eps)
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
