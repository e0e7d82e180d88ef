"""add_positions adds table[1:T + 1], numbering positions from 1, instead of the first T rows
table[:T]."""

EXPECT = "shifted by one"


def add_positions(x, table):
    T = x.shape[-2]
    if T + 1 > table.shape[0]:
        raise ValueError("the sequence is longer than the position table")
    return x + table[1 : T + 1]
