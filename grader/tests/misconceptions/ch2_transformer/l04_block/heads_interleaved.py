"""Heads are split by interleaved columns (head h takes columns h, h + n_heads, ...) instead of
the contiguous block h*dh:(h+1)*dh."""

EXPECT = "contiguous columns"


def multi_head_attention(x, block, n_heads, mask):
    q = x @ block["w_q"] + block["b_q"]
    k = x @ block["w_k"] + block["b_k"]
    v = x @ block["w_v"] + block["b_v"]
    out = np.zeros_like(q)
    for h in range(n_heads):
        out[:, h::n_heads] = attention(q[:, h::n_heads], k[:, h::n_heads], v[:, h::n_heads], mask)
    return out @ block["w_o"] + block["b_o"]
