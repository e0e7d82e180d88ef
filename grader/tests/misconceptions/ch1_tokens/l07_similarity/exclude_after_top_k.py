"""most_similar takes the k best words first and removes the excluded ones afterwards, so it
returns fewer than k pairs whenever an excluded word was among the best."""

EXPECT = "still return k"


def most_similar(query, table, words, k, exclude=()):
    table = np.asarray(table, dtype=float)
    scores = cosine_matrix(np.asarray(query, dtype=float)[None, :], table)[0]
    order = np.argsort(-scores, kind="stable")[:k]
    return [(words[i], float(scores[i])) for i in order if words[i] not in set(exclude)]
