"""build_word_vocab creates a new Counter for each text inside the loop (counts = Counter(...)),
so each text overwrites the counts of the one before and only the last text's words are ranked.

Basis: a loop slip: assigning inside the loop where the counts must be updated
(counts.update(...)) across all texts of the corpus.
"""

EXPECT = ["last text", "overwrit", "only the last", "update"]


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1 (room for {unk!r}), got {max_size}")
    counts = Counter()
    for text in texts:
        counts = Counter(split_words(text))
    counts.pop(unk, None)
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    vocab = {unk: 0}
    for word in ranked[: max_size - 1]:
        vocab[word] = len(vocab)
    return vocab
