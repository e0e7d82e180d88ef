"""softmax subtracts the maximum of the whole array (np.max(x)) instead of each row's maximum
along the axis, so a row far below the global maximum underflows to all zeros.

Basis: the stable-softmax trick is taught on a vector; on a matrix the max must keep the axis
(keepdims=True), as in d2l's and nanoGPT's code.
"""

EXPECT = ["each row", "along the axis", "keepdims", "per row"]


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    if np.any(np.all(np.isneginf(x), axis=axis)):
        raise ValueError("a row that is all -inf")
    e = np.exp(x - np.max(x))
    return e / np.sum(e, axis=axis, keepdims=True)
