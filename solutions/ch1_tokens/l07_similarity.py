"""Lesson 1.7 - Measuring similarity.

Cosine similarity compares the direction of two vectors and ignores their length. In scope: the
cosine of two vectors, of every pair of rows of two matrices, nearest neighbours in a table of
word vectors, and analogies by vector arithmetic. Left out: how the vectors are learned
(scripts/word_vectors.py does it for the kit; lesson 1.6 covers embedding tables).
Read lessons/ch1_tokens/1.7-measuring-similarity.md first.
Check your work with:  hexahype check 1.7
"""

from __future__ import annotations

import numpy as np


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Return the cosine of the angle between a and b, clipped into [-1.0, 1.0].

    cosine_similarity([1, 0], [0, 2])  ->  0.0    (perpendicular)
    cosine_similarity([1, 2], [2, 4])  ->  1.0    (same direction)

    Raise ValueError if the shapes differ or either vector is all zeros:
    a zero vector has no direction.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a == 0 or norm_b == 0:
        raise ValueError("a zero vector has no direction, so it has no cosine")
    # Rounding can push the ratio a hair past 1 (1.0000000000000002); clip it back.
    return float(np.clip(a @ b / (norm_a * norm_b), -1.0, 1.0))


def cosine_matrix(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosines of every row of A (n, d) with every row of B (m, d): shape (n, m).

    Entry [i, j] is cosine_similarity(A[i], B[j]). Vectorised: no Python loop.
    cosine_matrix([[1, 0], [0, 1]], [[1, 1]])  ->  [[0.7071], [0.7071]]

    Raise ValueError for a row of zeros or when the widths d differ.
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[1]:
        raise ValueError(f"expected shapes (n, d) and (m, d), got {A.shape} and {B.shape}")
    norm_a = np.linalg.norm(A, axis=1, keepdims=True)  # (n, 1): one length per row
    norm_b = np.linalg.norm(B, axis=1, keepdims=True)  # (m, 1)
    if (norm_a == 0).any() or (norm_b == 0).any():
        raise ValueError("a row of zeros has no direction, so it has no cosine")
    return np.clip((A / norm_a) @ (B / norm_b).T, -1.0, 1.0)  # (n, d) @ (d, m) -> (n, m)


def most_similar(
    query: np.ndarray, table: np.ndarray, words: list[str], k: int, exclude: list[str] = ()
) -> list[tuple[str, float]]:
    """The k rows of `table` most similar (by cosine) to `query`, as (word, cosine) pairs.

    Best first; equal cosines keep table order. Words in `exclude` are skipped, and fewer than
    k pairs come back when the table runs out. `words[i]` names `table[i]`.
    most_similar([1, 0], [[0, 1], [2, 0], [1, 1]], ["up", "right", "diag"], 2)
        ->  [("right", 1.0), ("diag", 0.7071...)]
    """
    table = np.asarray(table, dtype=float)
    if len(words) != len(table):
        raise ValueError(f"{len(words)} words for {len(table)} rows")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    scores = cosine_matrix(np.asarray(query, dtype=float)[None, :], table)[0]
    # A stable sort of the negated scores: the best first, ties in table order.
    order = np.argsort(-scores, kind="stable")
    skip = set(exclude)
    return [(words[i], float(scores[i])) for i in order if words[i] not in skip][:k]


def analogy(
    a: str, b: str, c: str, table: np.ndarray, words: list[str], k: int = 1
) -> list[tuple[str, float]]:
    """ "a is to b as c is to ?": the k words nearest to table[b] - table[a] + table[c].

    The raw rows are used, and a, b and c themselves are excluded from the answer.
    With rows man, woman, king, queen laid out so that woman - man = queen - king:
    analogy("man", "woman", "king", table, words)  ->  [("queen", 1.0)]
    A word that is not in `words` raises ValueError.
    """
    table = np.asarray(table, dtype=float)
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise ValueError(f"{w!r} is not in the vocabulary")
    target = table[index[b]] - table[index[a]] + table[index[c]]
    return most_similar(target, table, words, k, exclude=[a, b, c])
