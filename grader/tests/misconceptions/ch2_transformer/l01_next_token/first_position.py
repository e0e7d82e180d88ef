"""next_token_probs takes the softmax of the first row of the logits: that row predicts the
second token of the prompt, not the token after the prompt."""

EXPECT = "LAST position"


def next_token_probs(logits):
    return softmax(logits[0])
