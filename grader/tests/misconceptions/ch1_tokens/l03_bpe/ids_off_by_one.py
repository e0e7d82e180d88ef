"""train_bpe numbers new tokens from 257 instead of 256."""

EXPECT = "the first new id is 256"


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(257, vocab_size + 1):
        stats = count_pairs(ids)
        if not stats:
            break
        best = max(stats, key=stats.__getitem__)
        if stats[best] < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
