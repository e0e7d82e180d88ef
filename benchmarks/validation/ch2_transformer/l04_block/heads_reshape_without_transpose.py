"""multi_head_attention splits the heads with q.reshape(n_heads, T, dh) straight from (T, d),
without reshaping to (T, n_heads, dh) and transposing, so each "head" mixes rows of different
positions; the merge back uses the matching reshape, so the shapes all work.

Basis: the reshape-vs-transpose trap of every from-scratch multi-head attention (nanoGPT's
.view(B, T, nh, hs).transpose(1, 2)); a direct reshape to (nh, T, hs) is the usual slip.
"""

EXPECT = ["transpose", "(T, n_heads, dh)", "split the heads", "mixes positions"]


def multi_head_attention(x, block, n_heads, mask):
    T, d = x.shape
    if n_heads < 1 or d % n_heads:
        raise ValueError(f"d_model={d} is not divisible by n_heads={n_heads}")
    dh = d // n_heads
    q = (x @ block["w_q"] + block["b_q"]).reshape(n_heads, T, dh)
    k = (x @ block["w_k"] + block["b_k"]).reshape(n_heads, T, dh)
    v = (x @ block["w_v"] + block["b_v"]).reshape(n_heads, T, dh)
    heads = [attention(q[h], k[h], v[h], mask) for h in range(n_heads)]
    joined = np.stack(heads).reshape(T, d)
    return joined @ block["w_o"] + block["b_o"]
