"""count_tokens counts the whitespace-separated words (len(text.split())) instead of the ids the
encoding produces, so punctuation, subword pieces and spaces are not counted as tokens.

Basis: the most common beginner misconception about tokens ("a token is a word"), asked again
and again on forums about API pricing and context limits.
"""

EXPECT = ["words", "split()", "whitespace", "a token is not a word"]


def count_tokens(encoding, text):
    return len(text.split())
