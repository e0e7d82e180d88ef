"""cosine_similarity returns the bare dot product a . b, without dividing by the two lengths."""

EXPECT = "bare dot product"


def cosine_similarity(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not a.any() or not b.any():
        raise ValueError("bad vectors")
    return float(a @ b)
