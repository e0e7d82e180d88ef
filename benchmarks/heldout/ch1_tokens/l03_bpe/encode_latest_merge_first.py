"""encode applies the most recently learned merge first (the highest rank), where it must apply
the earliest-learned one.

Basis: "later merges are bigger tokens, so prefer them" is a common intuition; BPE replays the
merges in training order.
"""

EXPECT = ["earliest", "lowest merge index", "lowest rank", "training order"]


def encode(text, merges):
    rank = {pair: i for i, (pair, _) in enumerate(merges)}
    new_ids = dict(merges)
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        present = [p for p in count_pairs(ids) if p in rank]
        if not present:
            break
        pair = max(present, key=rank.__getitem__)
        ids = merge(ids, pair, new_ids[pair])
    return ids
