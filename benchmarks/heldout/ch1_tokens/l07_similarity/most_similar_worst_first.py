"""most_similar sorts the cosines in ascending order (np.argsort(scores)), so it returns the
least similar words first.

Basis: np.argsort sorts ascending; "most similar" needs the largest first.
"""

EXPECT = ["descending", "largest first", "best first", "ascending"]


def most_similar(query, table, words, k, exclude=()):
    table = np.asarray(table, dtype=float)
    if len(words) != len(table):
        raise ValueError("one word per row")
    if k < 1:
        raise ValueError("k must be at least 1")
    scores = cosine_matrix(np.asarray(query, dtype=float)[None, :], table)[0]
    order = np.argsort(scores, kind="stable")
    skip = set(exclude)
    return [(words[i], float(scores[i])) for i in order if words[i] not in skip][:k]
