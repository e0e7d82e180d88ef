"""Counts with the special-aware `encode` instead of `encode_ordinary`, so a user text that
contains "<|endoftext|>" makes the count crash."""

EXPECT = "encode_ordinary"


def count_tokens(encoding, text):
    return len(encoding.encode(text))
