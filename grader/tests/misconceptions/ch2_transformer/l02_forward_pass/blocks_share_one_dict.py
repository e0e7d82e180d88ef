"""init_params draws one block and repeats it ([block] * n_layers): every layer is the same
dict, so the layers share their parameters and training one layer changes them all."""

EXPECT = "same object"

import numpy as np


def init_params(config, seed):
    V, C, d = config["vocab_size"], config["context_length"], config["d_model"]
    rng = np.random.default_rng(seed)

    def w(*shape):
        return rng.normal(0.0, 0.02, size=shape)

    block = {
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
    return {
        "wte": w(V, d),
        "wpe": w(C, d),
        "lnf_g": np.ones(d),
        "lnf_b": np.zeros(d),
        "blocks": [block] * config["n_layers"],
    }
