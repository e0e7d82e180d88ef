"""train_bpe loops over range(256, vocab_size + 1), so it learns one merge more than
vocab_size - 256.

Basis: vocab_size read as "the last id" rather than "the number of ids".
"""

EXPECT = ["vocab_size - 256", "one merge too many", "one too many"]


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size + 1):
        stats = count_pairs(ids)
        if not stats:
            break
        best = max(stats, key=stats.__getitem__)
        if stats[best] < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
