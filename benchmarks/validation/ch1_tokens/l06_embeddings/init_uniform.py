"""init_embeddings draws from a uniform distribution, rng.uniform(-0.02, 0.02), instead of a
normal distribution with standard deviation 0.02.

Basis: "small random numbers" read as uniform in a small interval; GPT-2 / nanoGPT initialise
embeddings with normal(0, 0.02).
"""

EXPECT = ["normal", "gaussian", "uniform"]


def init_embeddings(vocab_size, d_model, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-0.02, 0.02, size=(vocab_size, d_model))
