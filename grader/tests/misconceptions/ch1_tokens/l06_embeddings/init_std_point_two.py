"""init_embeddings draws with a standard deviation of 0.2 instead of 0.02."""

EXPECT = "0.02, not 0.2"


def init_embeddings(vocab_size, d_model, seed):
    return np.random.default_rng(seed).normal(0.0, 0.2, size=(vocab_size, d_model))
