"""llama_block feeds the MLP the h it computed for attention (rms_norm of the block's input)
instead of rms_norm(x, mlp_norm) of the updated x, so the MLP never sees what attention added:
a parallel block (GPT-J, PaLM), not Llama's sequential one.

Basis: h = rms_norm(x, ...) is computed once at the top and reused; GPT-J and PaLM really do run
attention and MLP in parallel on the same normed input, while Llama's
h = x + attn(attention_norm(x)); out = h + ffn(ffn_norm(h)) is sequential.
"""

EXPECT = ["parallel", "updated x", "after the attention", "stale"]


def llama_block(x, block, config, cos, sin):
    T = x.shape[0]
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    h = rms_norm(x, block["attn_norm"], eps)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
    k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
    v = _heads(h @ block["w_v"], KV)
    mask = np.tril(np.ones((T, T), dtype=bool))
    att = grouped_query_attention(q, k, v, mask)
    x = x + att.transpose(1, 0, 2).reshape(T, -1) @ block["w_o"]
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
