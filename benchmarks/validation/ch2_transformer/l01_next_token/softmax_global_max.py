"""softmax subtracts the max of the whole array (np.max(x), no axis) instead of the max of each
row along `axis`, so a row whose logits are all far below the array's maximum underflows to
exp(...) = 0 everywhere and comes out as nan (0 / 0).

Basis: the one-line stable softmax "e = np.exp(x - np.max(x))" from the 1-D tutorials (CS231n's
notes, countless answers) reused on a matrix; the shift is the same for every row, which is
harmless for moderate logits and breaks only when the rows differ by hundreds.
"""

EXPECT = ["whole array", "global max", "underflow", "each row"]


def softmax(logits, axis=-1):
    x = np.asarray(logits, dtype=np.float64)
    m = np.max(x)
    if np.any(np.isneginf(m)):
        raise ValueError("softmax of a row that is all -inf is undefined (every token is masked)")
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)
