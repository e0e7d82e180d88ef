"""build_word_vocab gives the words ids from 0 and appends unk at the end, instead of
reserving id 0 for unk."""

EXPECT = "id 0"


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    counts = {}
    for t in texts:
        for w in split_words(t):
            counts[w] = counts.get(w, 0) + 1
    ranked = sorted(counts, key=lambda w: (-counts[w], w))[: max_size - 1]
    vocab = {w: i for i, w in enumerate(ranked)}
    vocab[unk] = len(vocab)
    return vocab
