"""unknown_rate counts the ids equal to 0 instead of the ids equal to vocab[unk], so with a
vocab whose unk entry has another id it counts the wrong word as unknown (and misses the real
unknowns).

Basis: "unk is always id 0" (true of the vocab this lesson builds, and of many tutorials'
vocabularies) hard-coded where the given vocab's own unk id must be looked up.
"""

EXPECT = ["id 0", "hard-coded", "hardcoded", "vocab[unk]"]


def unknown_rate(text, vocab, unk="<unk>"):
    ids = encode_words(text, vocab, unk)
    if not ids:
        return 0.0
    return sum(1 for i in ids if i == 0) / len(ids)
