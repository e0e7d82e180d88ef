"""top_predictions takes the k largest with np.argpartition(probs, -k)[-k:], which finds the
right k ids but in no particular order (not best first, ties not by lower id), and raises when
k is larger than the vocabulary.

Basis: the most upvoted answer to "how to get the indices of the N largest values in a numpy
array" is np.argpartition(a, -N)[-N:], with a note, easy to miss, that the result is unsorted;
torch.topk and heapq.nlargest, by contrast, return them sorted.
"""

EXPECT = ["argpartition", "unsorted", "not sorted", "best first"]


def top_predictions(probs, k):
    probs = np.asarray(probs)
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    order = np.argpartition(probs, -k)[-k:]
    return [(int(i), float(probs[i])) for i in order]
