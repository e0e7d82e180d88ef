"""encode_with_ranks adds each piece's ids with ids.append(...) instead of ids.extend(...), so
it returns a list of lists (one list per piece) instead of one flat list of ids.

Basis: a well-known Python trap, append versus extend, when results are gathered piece by
piece.
"""

EXPECT = ["extend", "append", "nested", "flat"]


def encode_with_ranks(text, ranks, pattern):
    ids = []
    for piece in regex.findall(pattern, text):
        ids.append(_merge_piece(piece.encode("utf-8"), ranks))
    return ids
