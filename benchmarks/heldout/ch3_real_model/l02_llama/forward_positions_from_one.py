"""forward builds the RoPE tables for positions 1..T instead of 0..T-1.

Basis: 1-based positions; HF's position_ids start at 0.
"""

EXPECT = ["0..T-1", "from 0", "start at 0"]


def forward(params, ids, config):
    ids = np.asarray(ids)
    T = len(ids)
    if T > config["context_length"]:
        raise ValueError("exceeds the context length")
    x = params["wte"][ids]
    cos, sin = rope_tables(np.arange(1, T + 1), config["head_dim"], config["rope_base"])
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)
    return rms_norm(x, params["norm"], config["norm_eps"]) @ params["wte"].T
