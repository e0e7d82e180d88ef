"""embed_by_matmul computes table.T @ one_hot.T, giving (d, T) instead of one_hot @ table of
shape (T, d).

Basis: shape juggling until the product runs; the result is the expected one transposed.
"""

EXPECT = ["transpose", "one_hot @ table"]


def embed_by_matmul(ids, table):
    table = np.asarray(table)
    return table.T @ one_hot(ids, table.shape[0]).T
