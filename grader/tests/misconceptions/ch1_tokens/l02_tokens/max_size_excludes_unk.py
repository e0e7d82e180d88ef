"""build_word_vocab keeps max_size words and then adds unk, so the vocab has max_size + 1
entries: max_size counts unk too."""

EXPECT = "unk included"


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    counts = {}
    for t in texts:
        for w in split_words(t):
            counts[w] = counts.get(w, 0) + 1
    vocab = {unk: 0}
    for w in sorted(counts, key=lambda w: (-counts[w], w))[:max_size]:
        vocab[w] = len(vocab)
    return vocab
