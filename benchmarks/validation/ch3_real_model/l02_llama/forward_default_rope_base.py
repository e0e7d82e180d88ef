"""forward builds the RoPE tables with the default base 10000 instead of the model's
config["rope_base"] (SmolLM2 uses 100000), so every pair turns at the wrong speed.

Basis: 10000 is the number of the RoFormer paper and of rope_tables' default; Llama 3 (500000)
and SmolLM2 (rope_theta 100000) changed it, and "ignoring rope_theta from config.json" is a
recurring porting bug.
"""

EXPECT = ["rope_base", "rope_theta", "10000", "rope base"]


def forward(params, ids, config):
    ids = np.asarray(ids)
    T = len(ids)
    if T > config["context_length"]:
        raise ValueError(f"{T} ids exceed the context length {config['context_length']}")
    x = params["wte"][ids]
    cos, sin = rope_tables(np.arange(T), config["head_dim"])
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)
    h = rms_norm(x, params["norm"], config["norm_eps"])
    return h @ params["wte"].T
