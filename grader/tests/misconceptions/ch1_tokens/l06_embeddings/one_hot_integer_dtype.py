"""one_hot builds an integer matrix (np.eye(..., dtype=int)) instead of float64 zeros and ones."""

EXPECT = "float64"


def one_hot(ids, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    return np.eye(vocab_size, dtype=np.int64)[ids]
