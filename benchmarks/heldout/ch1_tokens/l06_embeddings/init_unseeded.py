"""init_embeddings ignores its seed (np.random.default_rng() with no argument), so every call
gives a different table.

Basis: the seed is passed around but forgotten at the one place it matters.
"""

EXPECT = ["seed"]


def init_embeddings(vocab_size, d_model, seed):
    return np.random.default_rng().normal(0.0, 0.02, size=(vocab_size, d_model))
