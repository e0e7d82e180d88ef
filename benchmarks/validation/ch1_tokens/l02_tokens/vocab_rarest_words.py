"""build_word_vocab sorts by (count, word) without negating the count, so it keeps the least
frequent words instead of the most frequent ones.

Basis: a well-known sorting trap: sorted() is ascending, and the minus sign (or reverse=True)
that puts the largest counts first is forgotten.
"""

EXPECT = ["least frequent", "ascending", "most frequent", "descending"]


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1 (room for {unk!r}), got {max_size}")
    counts = Counter(word for text in texts for word in split_words(text))
    counts.pop(unk, None)
    ranked = sorted(counts, key=lambda word: (counts[word], word))
    vocab = {unk: 0}
    for word in ranked[: max_size - 1]:
        vocab[word] = len(vocab)
    return vocab
