"""init_embeddings passes the variance 0.02 ** 2 as numpy's scale, so the draws have standard
deviation 0.0004 instead of 0.02 (fifty times too small).

Basis: the notation N(0, 0.02) read as (mean, variance), as in statistics texts, while numpy's
normal(loc, scale) takes the standard deviation (GPT-2 / nanoGPT use std=0.02).
"""

EXPECT = ["variance", "standard deviation", "squared"]


def init_embeddings(vocab_size, d_model, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 0.02**2, size=(vocab_size, d_model))
