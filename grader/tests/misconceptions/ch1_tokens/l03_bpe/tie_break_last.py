"""train_bpe breaks ties toward the pair seen last (a `>=` comparison), not the first."""

EXPECT = "ties go to the pair that appears first"


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        stats = count_pairs(ids)
        best, best_count = None, 0
        for pair, n in stats.items():
            if n >= best_count:
                best, best_count = pair, n
        if best is None or best_count < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
