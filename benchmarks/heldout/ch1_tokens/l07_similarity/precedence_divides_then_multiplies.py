"""cosine_similarity writes a @ b / norm(a) * norm(b): without parentheses it divides by one
norm and multiplies by the other.

Basis: a classic operator-precedence bug in hand-written cosine functions.
"""

EXPECT = ["parenthes", "multiplies by", "precedence"]


def cosine_similarity(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError("shapes differ")
    if not a.any() or not b.any():
        raise ValueError("a zero vector has no direction")
    return float(np.clip(a @ b / np.linalg.norm(a) * np.linalg.norm(b), -1.0, 1.0))
