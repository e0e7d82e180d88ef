"""build_word_vocab sorts by (count, word) with reverse=True, so words of equal count come in
reverse alphabetical order.

Basis: `sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)` is the natural
one-liner; reverse flips the tie-break too.
"""

EXPECT = ["alphabetical", "reverse"]


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    counts = Counter(w for t in texts for w in split_words(t))
    counts.pop(unk, None)
    ranked = sorted(counts, key=lambda w: (counts[w], w), reverse=True)
    vocab = {unk: 0}
    for w in ranked[: max_size - 1]:
        vocab[w] = len(vocab)
    return vocab
