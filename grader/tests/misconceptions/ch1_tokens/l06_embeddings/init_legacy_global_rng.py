"""init_embeddings seeds the legacy global generator (np.random.seed + np.random.normal), which
draws different numbers from np.random.default_rng(seed)."""

EXPECT = "default_rng"


def init_embeddings(vocab_size, d_model, seed):
    np.random.seed(seed)
    return np.random.normal(0.0, 0.02, size=(vocab_size, d_model))
