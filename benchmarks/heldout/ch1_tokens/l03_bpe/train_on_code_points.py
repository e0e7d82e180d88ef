"""train_bpe starts from the characters' code points (ord) instead of the UTF-8 bytes, so any
character above 255 is never a byte and the merges are wrong for non-ASCII text.

Basis: minbpe's README insists on `text.encode("utf-8")`; `list(map(ord, text))` is the common
shortcut that works only on ASCII.
"""

EXPECT = ["UTF-8", "utf-8", "code point"]


def train_bpe(text, vocab_size):
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = [ord(c) for c in text]
    merges = []
    for new_id in range(256, vocab_size):
        stats = count_pairs(ids)
        if not stats:
            break
        best = max(stats, key=stats.__getitem__)
        if stats[best] < 2:
            break
        ids = merge(ids, best, new_id)
        merges.append((best, new_id))
    return merges
