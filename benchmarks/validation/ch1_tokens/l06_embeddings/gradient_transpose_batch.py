"""embedding_gradient computes one_hot(ids, V).T @ grad_out without flattening the ids first,
which is right for a flat list of ids but for a (B, T) batch .T reverses all three axes and the
product is not the (V, d) gradient.

Basis: the lesson's matmul view (gradient = one_hot.T @ grad_out) written for 2-D matrices and
applied to a batch; numpy's .T reverses every axis of a 3-D array, it does not swap the last two.
"""

EXPECT = ["flatten", "reshape", "reverses all", "batch of ids"]


def embedding_gradient(ids, grad_out, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    if grad_out.ndim != ids.ndim + 1 or grad_out.shape[:-1] != ids.shape:
        raise ValueError(
            f"grad_out must have shape ids.shape + (d,) = {ids.shape} + (d,), got {grad_out.shape}"
        )
    return one_hot(ids, vocab_size).T @ grad_out
