"""encode makes a single pass: it applies only the best merge present and stops."""

EXPECT = "keep looping until no learned pair is present"


def encode(text, merges):
    rank = {pair: i for i, (pair, _) in enumerate(merges)}
    ids = list(text.encode("utf-8"))
    if len(ids) < 2:
        return ids
    present = count_pairs(ids)
    pair = min(present, key=lambda p: rank.get(p, float("inf")))
    if pair in rank:
        ids = merge(ids, pair, merges[rank[pair]][1])
    return ids
