"""most_similar ranks the rows by Euclidean distance to the query (nearest first) instead of by
cosine, so a row pointing the same way but longer loses to a shorter row in another direction.

Basis: "nearest neighbours" read as smallest distance, the k-NN habit; word vectors are
compared by direction, whatever their length.
"""

EXPECT = ["euclidean", "distance", "cosine", "direction"]


def most_similar(query, table, words, k, exclude=()):
    table = np.asarray(table, dtype=float)
    if len(words) != len(table):
        raise ValueError(f"{len(words)} words for {len(table)} rows")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    query = np.asarray(query, dtype=float)
    scores = cosine_matrix(query[None, :], table)[0]
    distances = np.linalg.norm(table - query, axis=1)
    order = np.argsort(distances, kind="stable")
    skip = set(exclude)
    return [(words[i], float(scores[i])) for i in order if words[i] not in skip][:k]
