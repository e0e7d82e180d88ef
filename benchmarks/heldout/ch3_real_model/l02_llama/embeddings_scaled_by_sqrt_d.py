"""forward multiplies the token embeddings by sqrt(d_model), as Gemma does, where Llama uses
them as they are.

Basis: Gemma's normalizer (embeddings * sqrt(hidden_size)) in Raschka's Gemma 3 notebook and
HF's GemmaModel; Llama has none.
"""

EXPECT = ["sqrt(d", "scale", "as they are"]


def forward(params, ids, config):
    ids = np.asarray(ids)
    T = len(ids)
    if T > config["context_length"]:
        raise ValueError("exceeds the context length")
    x = params["wte"][ids] * np.float32(math.sqrt(config["d_model"]))
    cos, sin = rope_tables(np.arange(T), config["head_dim"], config["rope_base"])
    for block in params["blocks"]:
        x = llama_block(x, block, config, cos, sin)
    return rms_norm(x, params["norm"], config["norm_eps"]) @ params["wte"].T
