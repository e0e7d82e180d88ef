"""cosine_similarity divides by the lengths without checking for a zero vector, so a vector of
zeros gives nan (with a RuntimeWarning) instead of raising ValueError.

Basis: the edge case of a division by a length: a zero vector has no direction, and 0 / 0 in
numpy is a silent nan, not an error.
"""

EXPECT = ["zero vector", "zero length", "nan", "division by zero"]


def cosine_similarity(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    return float(np.clip(a @ b / (norm_a * norm_b), -1.0, 1.0))
