"""top_k_filter keeps only the logits strictly greater than the k-th largest, so it keeps k - 1
tokens (and drops the k-th itself).

Basis: the off-by-one of https://github.com/kingoflolz/mesh-transformer-jax/issues/164 in the
other direction: > where >= is needed.
"""

EXPECT = [">=", "at least the k-th", "k - 1"]


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.shape[-1]:
        return logits.copy()
    kth = np.sort(logits)[::-1][k - 1]
    return np.where(logits > kth, logits, -np.inf)
