"""one_hot sets out[..., ids] = 1.0, which puts a 1 in every column named by any id on every row,
instead of one 1 per row at that row's own id, so a row has as many ones as there are distinct ids.

Basis: a frequent numpy question ("one-hot sets all rows"): indexing only the last axis with the
ids array does not pair each row with its id; np.arange on the rows, np.eye(V)[ids] or
put_along_axis is needed.
"""

EXPECT = ["every row", "each row", "arange", "pair"]


def one_hot(ids, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    out = np.zeros(ids.shape + (vocab_size,), dtype=np.float64)
    out[..., ids] = 1.0
    return out
