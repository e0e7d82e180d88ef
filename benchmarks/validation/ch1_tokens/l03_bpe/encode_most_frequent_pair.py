"""encode picks, among the learned pairs present, the most frequent one in the text (as in
training) instead of the one with the lowest merge index, so merges are replayed in the wrong
order ("abc" with merges [bc, ab] becomes [ab, c]).

Basis: encoding read as "run the training loop again on the new text"; a frequent question about
minbpe's encode, which replays merges by rank (the order they were learned), not by count.
"""

EXPECT = ["most frequent", "merge index", "lowest rank", "order they were learned"]


def encode(text, merges):
    rank = {pair: i for i, (pair, _) in enumerate(merges)}
    new_ids = {pair: new_id for pair, new_id in merges}
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        present = count_pairs(ids)
        learned = {p: c for p, c in present.items() if p in rank}
        if not learned:
            break
        pair = max(learned, key=learned.get)
        ids = merge(ids, pair, new_ids[pair])
    return ids
