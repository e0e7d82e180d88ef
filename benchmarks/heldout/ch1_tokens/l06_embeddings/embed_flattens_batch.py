"""embed flattens the ids first (ids.ravel()), so a (B, T) batch of ids gives (B*T, d) instead of
(B, T, d).

Basis: code written for one sequence of ids, then called on a batch.
"""

EXPECT = ["ids.shape + (d,)", "shape", "flatten"]


def embed(ids, table):
    table = np.asarray(table)
    ids = _checked_ids(ids, table.shape[0])
    return table[ids.ravel()]
