"""embedding_gradient averages the gradients of a repeated id instead of adding them.

Basis: "the row is shared, so average its gradients" -- but the loss adds one term per
position, so the gradients add up (scatter-add).
"""

EXPECT = ["accumulate", "add up", "sum", "scatter-add"]


def embedding_gradient(ids, grad_out, vocab_size):
    ids = _checked_ids(ids, vocab_size)
    grad_out = np.asarray(grad_out, dtype=np.float64)
    d = grad_out.shape[-1]
    grad = np.zeros((vocab_size, d))
    count = np.zeros(vocab_size)
    np.add.at(grad, ids.reshape(-1), grad_out.reshape(-1, d))
    np.add.at(count, ids.reshape(-1), 1)
    return grad / np.maximum(count, 1)[:, None]
