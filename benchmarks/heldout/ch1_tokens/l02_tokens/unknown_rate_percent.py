"""unknown_rate returns a percentage (0 to 100) instead of a fraction (0 to 1).

Basis: "rate" read as "percent"; the lesson prints it as a percentage.
"""

EXPECT = ["percent", "100"]


def unknown_rate(text, vocab, unk="<unk>"):
    ids = encode_words(text, vocab, unk)
    if not ids:
        return 0.0
    return 100.0 * sum(1 for i in ids if i == vocab.get(unk)) / len(ids)
