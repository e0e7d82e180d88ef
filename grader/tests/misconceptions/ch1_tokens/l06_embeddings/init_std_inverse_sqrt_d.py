"""init_embeddings scales the draws by 1/sqrt(d_model) (a Xavier-style habit) instead of the
pinned standard deviation 0.02."""

EXPECT = "times the expected"


def init_embeddings(vocab_size, d_model, seed):
    return np.random.default_rng(seed).normal(
        0.0, 1.0 / np.sqrt(d_model), size=(vocab_size, d_model)
    )
