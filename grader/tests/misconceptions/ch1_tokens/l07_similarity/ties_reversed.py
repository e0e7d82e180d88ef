"""most_similar reverses an ascending argsort, which also reverses the order of tied words."""

EXPECT = "stable"


def most_similar(query, table, words, k, exclude=()):
    scores = cosine_matrix(np.asarray(query, dtype=float)[None, :], np.asarray(table, dtype=float))[
        0
    ]
    order = np.argsort(scores, kind="stable")[::-1]
    return [(words[i], float(scores[i])) for i in order if words[i] not in set(exclude)][:k]
