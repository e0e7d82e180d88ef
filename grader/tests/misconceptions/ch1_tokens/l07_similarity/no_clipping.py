"""cosine_similarity divides by the lengths but never clips, so rounding can give 1.0000000000000002."""

EXPECT = "clip"


def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not a.any() or not b.any():
        raise ValueError("bad vectors")
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
