"""build_word_vocab uses Counter.most_common(), which breaks ties by first appearance, not
alphabetically, so the vocab depends on the order of the training texts."""

EXPECT = "alphabetically"

from collections import Counter


def build_word_vocab(texts, max_size, unk="<unk>"):
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    counts = Counter(w for t in texts for w in split_words(t))
    vocab = {unk: 0}
    for word, _ in counts.most_common(max_size - 1):
        vocab[word] = len(vocab)
    return vocab
