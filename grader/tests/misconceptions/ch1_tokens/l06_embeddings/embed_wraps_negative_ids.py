"""embed indexes the table directly and only checks the upper bound, so numpy silently wraps a
negative id (-1 becomes the last row)."""

EXPECT = "negative"


def embed(ids, table):
    ids = np.asarray(ids)
    if ids.size and ids.max() >= len(table):
        raise IndexError(f"token id {ids.max()} is out of range")
    return np.asarray(table)[ids]
