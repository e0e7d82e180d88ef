"""cosine_similarity divides by the product of the squared lengths (a @ a * b @ b) instead of
the product of the lengths.

Basis: forgetting the square root of the dot product of a vector with itself.
"""

EXPECT = ["square root", "sqrt", "squared"]


def cosine_similarity(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    if not a.any() or not b.any():
        raise ValueError("a zero vector has no direction")
    return float(np.clip(a @ b / ((a @ a) * (b @ b)), -1.0, 1.0))
