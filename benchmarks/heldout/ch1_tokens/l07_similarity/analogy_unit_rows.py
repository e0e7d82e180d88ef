"""analogy normalises the rows to unit length before computing b - a + c, where the lesson
uses the raw rows.

Basis: gensim's most_similar (3CosAdd) works on unit vectors, and learners who know it copy
that step.
"""

EXPECT = ["raw rows", "normalis", "unit length"]


def analogy(a, b, c, table, words, k=1):
    table = np.asarray(table, dtype=float)
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise ValueError(f"{w!r} is not in the vocabulary")
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    target = unit[index[b]] - unit[index[a]] + unit[index[c]]
    return most_similar(target, table, words, k, exclude=[a, b, c])
