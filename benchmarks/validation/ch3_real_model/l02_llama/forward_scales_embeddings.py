"""forward multiplies the token embeddings by sqrt(d_model) before the first block, as
"Attention Is All You Need" (section 3.4) and Gemma do, although Llama and SmolLM2 feed
wte[ids] unscaled: the residual stream starts sqrt(d_model) times too large.

Basis: the transformer paper's "we multiply those weights by sqrt(d_model)" and the Annotated
Transformer's Embeddings.forward are what many learners first implemented; Gemma's HF code keeps
the scaling, Llama's does not.
"""

EXPECT = ["sqrt(d_model)", "embedding scal", "scales the embedding", "gemma"]


def forward(params, ids, config):
    ids = np.asarray(ids)
    T = len(ids)
    if T > config["context_length"]:
        raise ValueError(f"{T} ids exceed the context length {config['context_length']}")
    x = params["wte"][ids] * math.sqrt(config["d_model"])
    cos, sin = rope_tables(np.arange(T), config["head_dim"], config["rope_base"])
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)
    h = rms_norm(x, params["norm"], config["norm_eps"])
    return h @ params["wte"].T
