"""one_hot returns the transpose: one column per id and one row per vocabulary entry."""

EXPECT = "transpose"


def one_hot(ids, vocab_size):
    ids = np.asarray(ids)
    return np.eye(vocab_size)[ids].T
