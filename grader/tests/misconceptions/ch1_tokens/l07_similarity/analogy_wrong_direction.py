"""analogy builds a - b + c instead of b - a + c: it walks the relation backwards."""

EXPECT = "b - a + c"


def analogy(a, b, c, table, words, k=1):
    table = np.asarray(table, dtype=float)
    for w in (a, b, c):
        if w not in words:
            raise ValueError(w)
    target = table[words.index(a)] - table[words.index(b)] + table[words.index(c)]
    return most_similar(target, table, words, k, exclude=[a, b, c])
