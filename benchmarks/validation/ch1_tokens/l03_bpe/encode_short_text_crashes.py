"""encode loops with `while True` and takes min() over the pairs present, so a text of fewer
than two bytes (or one merged down to a single token) crashes on an empty sequence instead of
being returned as is.

Basis: Karpathy's minbpe guards this loop with `while len(ids) >= 2`; the empty and
one-token cases are the edge cases learners drop.
"""

EXPECT = ["fewer than two", "single token", "empty", "len(ids) >= 2"]


def encode(text, merges):
    rank = {pair: i for i, (pair, _) in enumerate(merges)}
    new_ids = {pair: new_id for pair, new_id in merges}
    ids = list(text.encode("utf-8"))
    while True:
        present = count_pairs(ids)
        pair = min(present, key=lambda p: rank.get(p, float("inf")))
        if pair not in rank:
            break
        ids = merge(ids, pair, new_ids[pair])
    return ids
