"""analogy forgets to exclude a, b and c, which are often the nearest words to b - a + c."""

EXPECT = "exclude"


def analogy(a, b, c, table, words, k=1):
    table = np.asarray(table, dtype=float)
    for w in (a, b, c):
        if w not in words:
            raise ValueError(w)
    target = table[words.index(b)] - table[words.index(a)] + table[words.index(c)]
    return most_similar(target, table, words, k)
