"""multi_head_attention applies w_o but forgets its bias b_o.

Basis: GPT-2's c_proj has a bias; Raschka's MultiHeadAttention has out_proj with bias=True by
default, and hand-written numpy versions often drop it.
"""

EXPECT = ["b_o", "bias"]


def multi_head_attention(x, block, n_heads, mask):
    T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError("d_model is not divisible by n_heads")
    dh = d // n_heads
    q = x @ block["w_q"] + block["b_q"]
    k = x @ block["w_k"] + block["b_k"]
    v = x @ block["w_v"] + block["b_v"]
    heads = [
        attention(
            q[:, h * dh : (h + 1) * dh],
            k[:, h * dh : (h + 1) * dh],
            v[:, h * dh : (h + 1) * dh],
            mask,
        )
        for h in range(n_heads)
    ]
    return np.concatenate(heads, axis=-1) @ block["w_o"]
