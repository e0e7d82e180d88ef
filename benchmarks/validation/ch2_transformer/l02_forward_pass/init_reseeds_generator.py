"""init_params creates a new np.random.default_rng(seed) for every weight, so every array of the
same shape gets the same draws (w_q, w_k, w_v and w_o are equal, and so are all the layers),
instead of drawing every weight in turn from one generator.

Basis: the reseeding trap of numpy's Generator (and of torch.manual_seed inside a helper): the
seed is meant to be set once; re-seeding inside the helper repeats the same numbers.
"""

EXPECT = ["one generator", "reseed", "re-seed", "same draws"]


def init_params(config, seed):
    V, C, d = config["vocab_size"], config["context_length"], config["d_model"]

    def w(*shape):
        rng = np.random.default_rng(seed)
        return rng.normal(0.0, 0.02, size=shape)

    blocks = []
    for _ in range(config["n_layers"]):
        blocks.append(
            {
                "ln1_g": np.ones(d),
                "ln1_b": np.zeros(d),
                "w_q": w(d, d),
                "w_k": w(d, d),
                "w_v": w(d, d),
                "w_o": w(d, d),
                "b_q": np.zeros(d),
                "b_k": np.zeros(d),
                "b_v": np.zeros(d),
                "b_o": np.zeros(d),
                "ln2_g": np.ones(d),
                "ln2_b": np.zeros(d),
                "w_in": w(d, 4 * d),
                "b_in": np.zeros(4 * d),
                "w_out": w(4 * d, d),
                "b_out": np.zeros(d),
            }
        )
    return {
        "wte": w(V, d),
        "wpe": w(C, d),
        "lnf_g": np.ones(d),
        "lnf_b": np.zeros(d),
        "blocks": blocks,
    }
