"""merge replaces each occurrence inside the list it was given (ids[i:i + 2] = [new_id]) and
returns that same list, so the caller's ids are changed: the result is right but the input is
mutated.

Basis: the in-place habit ("why build a new list?") with slice assignment; minbpe's merge builds
a new list, and the caller's sequence (e.g. the training ids, or a text's bytes reused for a
comparison) must stay as it was.
"""

EXPECT = ["in place", "mutates", "changed the list", "new list"]


def merge(ids, pair, new_id):
    i = 0
    while i < len(ids) - 1:
        if ids[i] == pair[0] and ids[i + 1] == pair[1]:
            ids[i : i + 2] = [new_id]
        i += 1
    return ids
