"""embedding_gradient returns grad_out.T @ one_hot, the gradient transposed: shape (d, V)
instead of (V, d)."""

EXPECT = "transposed"


def embedding_gradient(ids, grad_out, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    d = grad_out.shape[-1]
    onehot = np.eye(vocab_size)[ids.reshape(-1)]
    return grad_out.reshape(-1, d).T @ onehot
