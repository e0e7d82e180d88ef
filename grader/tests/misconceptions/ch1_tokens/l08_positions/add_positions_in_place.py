"""add_positions adds the table into x in place (x += table[:T]) and returns x, so the caller's
embeddings change behind their back."""

EXPECT = "in place"


def add_positions(x, table):
    T = x.shape[-2]
    if T > table.shape[0]:
        raise ValueError("the sequence is longer than the position table")
    x += table[:T]
    return x
