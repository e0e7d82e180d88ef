"""next_token_probs takes the softmax over the positions (axis 0 of the (T, V) logits) and then
keeps the last row, instead of the softmax over the vocabulary of the last row, so the result
does not sum to 1.

Basis: the dim/axis confusion of softmax on a matrix (PyTorch's "implicit dimension choice for
softmax has been deprecated" warning and the many "softmax dim=0 or dim=1?" questions).
"""

EXPECT = ["over the vocabulary", "last axis", "axis=-1", "sum to 1"]


def next_token_probs(logits):
    logits = np.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (T, V), got shape {logits.shape}")
    return softmax(logits, axis=0)[-1]
