"""multi_head_attention concatenates the heads and returns them without the output projection
w_o, b_o."""

EXPECT = "w_o"

import numpy as np


def multi_head_attention(x, block, n_heads, mask):
    T, d = x.shape
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
    return np.concatenate(heads, axis=-1)
