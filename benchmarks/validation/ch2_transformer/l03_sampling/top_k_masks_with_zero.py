"""top_k_filter sets the logits outside the top k to 0 instead of -inf, so the dropped tokens
keep a probability of exp(0) after the softmax (often more than the kept ones, when the kept
logits are negative).

Basis: "zero out the rest" carried over from probabilities to logits; HF's TopKLogitsWarper and
nanoGPT's generate both fill with -inf (-float("Inf")).
"""

EXPECT = ["-inf", "exp(0)", "set to 0", "instead of 0"]


def top_k_filter(logits, k):
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    logits = np.asarray(logits, dtype=np.float64)
    if k >= logits.shape[-1]:
        return logits.copy()
    kth = np.sort(logits)[::-1][k - 1]
    return np.where(logits >= kth, logits, 0.0)
