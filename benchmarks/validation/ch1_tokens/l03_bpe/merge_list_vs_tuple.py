"""merge compares the list slice ids[i:i + 2] with the tuple pair, and a list never equals a
tuple in Python, so no occurrence is ever replaced.

Basis: a well-known Python trap ([1, 2] == (1, 2) is False), met when the pairs come from zip
(tuples) and the sequence is a list.
"""

EXPECT = ["tuple", "list", "never equal", "never replaced"]


def merge(ids, pair, new_id):
    out = []
    i = 0
    while i < len(ids):
        if ids[i : i + 2] == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
