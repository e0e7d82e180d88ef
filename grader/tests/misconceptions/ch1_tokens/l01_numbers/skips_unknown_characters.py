"""encode_chars silently drops characters that are not in the vocab instead of raising
KeyError, so the ids no longer describe the text."""

EXPECT = "must not be skipped"


def encode_chars(text, vocab):
    return [vocab[ch] for ch in text if ch in vocab]
