"""one_hot builds a (len(ids), vocab_size) matrix and sets out[np.arange(len(ids)), ids], which
only works for a flat list of ids: a (B, T) batch of ids does not give shape (B, T, vocab_size).

Basis: the common one-liner for one-hot encoding a 1-D label vector, reused where ids may have
any shape.
"""

EXPECT = ["any shape", "batch", "ids.shape", "1-d"]


def one_hot(ids, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    out = np.zeros((len(ids), vocab_size), dtype=np.float64)
    out[np.arange(len(ids)), ids] = 1.0
    return out
