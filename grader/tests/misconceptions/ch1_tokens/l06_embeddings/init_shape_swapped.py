"""init_embeddings builds the table the wrong way round, shape (d_model, vocab_size): one
column per token instead of one row per token."""

EXPECT = "swapped"


def init_embeddings(vocab_size, d_model, seed):
    return np.random.default_rng(seed).normal(0.0, 0.02, size=(d_model, vocab_size))
