"""reversal_cost counts characters instead of tokens, so a word and its reverse always tie."""

EXPECT = "not characters"


def reversal_cost(encoding, word):
    return len(word), len(word[::-1])
