"""reversal_cost reverses the list of token ids instead of the word itself, so the reversed
word always seems to cost exactly as many tokens as the word."""

EXPECT = "word[::-1]"


def reversal_cost(encoding, word):
    ids = encoding.encode(word)
    return len(ids), len(ids[::-1])
