"""top_k_filter has no case for a k larger than the vocabulary: np.sort(logits)[::-1][k - 1]
indexes past the end and raises IndexError, where a k of V or more should keep every logit.

Basis: the edge case every library guards (Hugging Face's TopKLogitsWarper uses
min(top_k, V), nanoGPT's generate min(top_k, logits.size(-1))); a learner testing with k = 2
on a long vocabulary never meets it, but top_k = 40 on a small vocabulary does.
"""

EXPECT = ["larger than the vocabulary", "vocabulary size", "index out of", "k > v"]


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    kth = np.sort(logits)[::-1][k - 1]
    return np.where(logits >= kth, logits, -np.inf)
