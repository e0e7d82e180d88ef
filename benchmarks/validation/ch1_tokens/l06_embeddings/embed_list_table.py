"""embed indexes `table` as given, without np.asarray, so a table passed as a list of lists
cannot be indexed by an array of ids (TypeError) instead of giving the rows.

Basis: a typical forum question ("only integer scalar arrays can be converted to a scalar
index"): fancy indexing works on numpy arrays, not on Python lists.
"""

EXPECT = ["asarray", "numpy array", "list"]


def embed(ids, table):
    ids = _checked_ids(ids, len(table))
    return table[ids]
