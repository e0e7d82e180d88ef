"""add_positions reads the sequence length as x.shape[0], which is the batch size B for a
(B, T, d) input, so a batch gets the first B rows of the table (or a shape error) instead of
the first T rows; the sequence axis is x.shape[-2].

Basis: code written and tested for one (T, d) sequence, then given a batch: "T = x.shape[0]"
is the usual first guess, and nanoGPT's "B, T, C = x.size()" shows why the time axis moves.
"""

EXPECT = ["shape[0]", "batch axis", "shape[-2]", "batch size"]


def add_positions(x, table):
    x = np.asarray(x)
    table = np.asarray(table)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (T, d) or (B, T, d), got shape {x.shape}")
    T, d = x.shape[0], x.shape[-1]
    if T > table.shape[0]:
        raise ValueError(f"{T} positions, but the table has only {table.shape[0]} rows")
    if d != table.shape[1]:
        raise ValueError(f"x has d = {d}, the table has d = {table.shape[1]}")
    return x + table[:T]
