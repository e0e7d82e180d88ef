"""add_bos_eos inserts bos and appends eos into the caller's list (ids.insert / ids.append)
instead of returning a new list.

Basis: list methods that change in place are the first thing a learner reaches for.
"""

EXPECT = ["in place", "new list", "unchanged"]


def add_bos_eos(ids, bos, eos):
    if bos is not None:
        ids.insert(0, bos)
    if eos is not None:
        ids.append(eos)
    return ids
