"""init_params gives the feed-forward weights PyTorch's nn.Linear layout (out_features,
in_features): w_in is (4d, d) and w_out is (d, 4d) instead of (d, 4d) and (4d, d), so x @ w_in
no longer fits the course's x @ w + b convention.

Basis: nn.Linear stores weight as (out, in) and computes x @ W.T; learners who port weights or
code from PyTorch (or compare with GPT-2's Conv1D, which is (in, out)) regularly get the
transposed shape, a frequent "mat1 and mat2 shapes cannot be multiplied" question.
"""

EXPECT = ["(d, 4d)", "(4d, d)", "out_features", "transpose"]


def init_params(config, seed):
    V, C, d = config["vocab_size"], config["context_length"], config["d_model"]
    rng = np.random.default_rng(seed)

    def w(*shape):
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
                "w_in": w(4 * d, d),
                "b_in": np.zeros(4 * d),
                "w_out": w(d, 4 * d),
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
