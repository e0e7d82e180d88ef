"""unknown_rate measures the fraction of *characters* that belong to unknown words instead of
the fraction of words, so long unknown words weigh more than short ones."""

EXPECT = "not unknown characters"


def unknown_rate(text, vocab, unk="<unk>"):
    words = split_words(text)
    total = sum(len(w) for w in words)
    if total == 0:
        return 0.0
    return sum(len(w) for w in words if w not in vocab) / total
