"""next_token_probs slices logits[-1:] instead of logits[-1], so the distribution comes back
with shape (1, V) instead of (V,)."""

EXPECT = "axis of length 1"


def next_token_probs(logits):
    return softmax(logits[-1:])
