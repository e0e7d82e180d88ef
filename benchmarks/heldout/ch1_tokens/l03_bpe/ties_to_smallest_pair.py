"""train_bpe breaks ties between equally frequent pairs by the smallest pair value
(max over sorted(stats)), not by the pair that appears first in the sequence.

Basis: the tie-break question of https://github.com/karpathy/minbpe/issues/93 ("(256, 97) and
(97, 98) have the same most occurrences, merge the first one").
"""

EXPECT = ["appears first", "first appearance", "tie"]


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        stats = count_pairs(ids)
        if not stats:
            break
        best = max(sorted(stats), key=stats.__getitem__)
        if stats[best] < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
