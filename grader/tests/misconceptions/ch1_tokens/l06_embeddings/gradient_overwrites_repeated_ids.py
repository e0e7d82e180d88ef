"""embedding_gradient uses fancy-index assignment, grad[ids] += grad_out: numpy applies one
write per distinct id, so a repeated id keeps only its last gradient instead of the sum."""

EXPECT = "np.add.at"


def embedding_gradient(ids, grad_out, vocab_size):
    ids = np.asarray(ids)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    d = grad_out.shape[-1]
    grad = np.zeros((vocab_size, d))
    grad[ids.reshape(-1)] += grad_out.reshape(-1, d)
    return grad
