"""add_positions adds the last T rows of the table (table[-T:]) instead of the first T."""

EXPECT = "first T rows"


def add_positions(x, table):
    x = np.asarray(x)
    T = x.shape[-2]
    if T > len(table):
        raise ValueError("sequence longer than the table")
    return x + table[-T:]
