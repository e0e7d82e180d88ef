"""encode_chars looks characters up with vocab.get(ch, 0), so a character that is not in the
vocab silently becomes id 0 (whatever character has it) instead of raising KeyError.

Basis: the habit of dict.get with a default to "avoid crashes"; a character vocabulary has no
unknown id, so the failure must be loud.
"""

EXPECT = ["keyerror", "not in the vocab", "unknown character", "default"]


def encode_chars(text, vocab):
    return [vocab.get(ch, 0) for ch in text]
