"""llama_block runs grouped-query attention with no causal mask, so every position also reads
the positions after it.

Basis: https://github.com/huggingface/transformers/issues/48748 (a causal LM attending to future
tokens; cached and uncached generation then disagree).
"""

EXPECT = ["causal", "mask", "future"]


def llama_block(x, block, config, cos, sin):
    H, KV, eps = config["n_heads"], config["n_kv_heads"], config["norm_eps"]
    T = x.shape[0]
    h = rms_norm(x, block["attn_norm"], eps)
    q = apply_rope(_heads(h @ block["w_q"], H), cos, sin)
    k = apply_rope(_heads(h @ block["w_k"], KV), cos, sin)
    v = _heads(h @ block["w_v"], KV)
    att = grouped_query_attention(q, k, v, None)
    x = x + att.transpose(1, 0, 2).reshape(T, -1) @ block["w_o"]
    h = rms_norm(x, block["mlp_norm"], eps)
    return x + swiglu(h, block["w_gate"], block["w_up"], block["w_down"])
