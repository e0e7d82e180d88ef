"""forward applies the tied head straight to the last block's output and forgets the final
RMSNorm (params["norm"])."""


def forward(params, ids, config):
    ids = np.asarray(ids)
    if len(ids) > config["context_length"]:
        raise ValueError("too long")
    x = params["wte"][ids]
    cos, sin = rope_tables(np.arange(len(ids)), config["head_dim"], config["rope_base"])
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)
    return x @ params["wte"].T
