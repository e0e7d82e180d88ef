"""analogy normalises the rows of a, b and c to unit length before forming b - a + c, instead of
using the raw rows, so a long vector no longer weighs more than a short one in the target and
the nearest word can change.

Basis: gensim's most_similar(positive=[...], negative=[...]) and the word2vec analogy tool both
average unit-normalised vectors (3CosAdd on normalised vectors); a learner who has used them
normalises first, while the lesson asks for table[b] - table[a] + table[c] on the raw rows.
"""

EXPECT = ["raw rows", "normalis", "unit length", "unit vectors"]


def analogy(a, b, c, table, words, k=1):
    table = np.asarray(table, dtype=float)
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise ValueError(f"{w!r} is not in the vocabulary")
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    target = unit[index[b]] - unit[index[a]] + unit[index[c]]
    return most_similar(target, table, words, k, exclude=[a, b, c])
