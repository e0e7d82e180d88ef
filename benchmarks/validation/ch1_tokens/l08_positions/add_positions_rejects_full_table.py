"""add_positions rejects a sequence as long as the table (if T >= rows), an off-by-one: T rows
use the table's rows 0 .. T-1, so a table of C rows fits a sequence of exactly C positions.

Basis: the fencepost confusion between "the last index" (C - 1) and "the number of rows" (C);
GPT-2's context_length of 1,024 tokens is usable in full.
"""

EXPECT = ["off-by-one", "off by one", "as long as the table", "fencepost"]


def add_positions(x, table):
    x = np.asarray(x)
    table = np.asarray(table)
    if x.ndim not in (2, 3):
        raise ValueError(f"x must be (T, d) or (B, T, d), got shape {x.shape}")
    T, d = x.shape[-2:]
    if T >= table.shape[0]:
        raise ValueError(f"{T} positions, but the table has only {table.shape[0]} rows")
    if d != table.shape[1]:
        raise ValueError(f"x has d = {d}, the table has d = {table.shape[1]}")
    return x + table[:T]
