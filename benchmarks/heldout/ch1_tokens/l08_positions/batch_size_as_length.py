"""add_positions takes T from x.shape[0], which is the batch size for a (B, T, d) input, so it
adds the wrong number of rows.

Basis: code written for (T, d) first; x.shape[-2] is the sequence axis in both layouts.
"""

EXPECT = ["x.shape[-2]", "batch", "sequence axis"]


def add_positions(x, table):
    x = np.asarray(x)
    table = np.asarray(table)
    if x.ndim not in (2, 3):
        raise ValueError("x must be (T, d) or (B, T, d)")
    T = x.shape[0]
    if T > table.shape[0]:
        raise ValueError(f"{T} positions, but the table has only {table.shape[0]} rows")
    if x.shape[-1] != table.shape[1]:
        raise ValueError("d differs")
    if x.ndim == 3:
        return x + table[:T][:, None, :]
    return x + table[:T]
