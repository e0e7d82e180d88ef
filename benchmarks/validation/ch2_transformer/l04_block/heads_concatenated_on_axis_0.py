"""multi_head_attention joins the heads with np.concatenate(heads), whose default axis is 0, so
the n_heads (T, dh) outputs are stacked under each other into (n_heads * T, dh) instead of side
by side into (T, d), and the output projection fails for more than one head.

Basis: np.concatenate's default axis=0 (torch.cat's dim=0): "concatenate the heads" from the
paper's Concat(head_1, ..., head_h) written without an axis; it works with a single head, which
is how a first test often runs it.
"""

EXPECT = ["axis=-1", "last axis", "side by side", "default axis"]


def multi_head_attention(x, block, n_heads, mask):
    T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"d_model={d} is not divisible by n_heads={n_heads}")
    dh = d // n_heads
    q = x @ block["w_q"] + block["b_q"]
    k = x @ block["w_k"] + block["b_k"]
    v = x @ block["w_v"] + block["b_v"]
    heads = []
    for h in range(n_heads):
        cols = slice(h * dh, (h + 1) * dh)
        heads.append(attention(q[:, cols], k[:, cols], v[:, cols], mask))
    joined = np.concatenate(heads)
    return joined @ block["w_o"] + block["b_o"]
