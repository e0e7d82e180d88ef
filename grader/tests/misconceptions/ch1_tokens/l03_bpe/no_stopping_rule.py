"""train_bpe keeps merging pairs that occur only once."""

EXPECT = "stop as soon as the best count is below 2"


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        stats = count_pairs(ids)
        if not stats:
            break
        best = max(stats, key=stats.__getitem__)
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
