"""init_embeddings passes 0.02**2 as numpy's scale, but scale is the standard deviation
(0.02), not the variance.

Basis: papers write N(0, 0.02^2) with the variance; numpy's normal takes the std.
"""

EXPECT = ["standard deviation", "std", "variance"]


def init_embeddings(vocab_size, d_model, seed):
    return np.random.default_rng(seed).normal(0.0, 0.02**2, size=(vocab_size, d_model))
