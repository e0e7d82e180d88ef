"""reversal_cost spells the word backwards with str(reversed(word)), which is the text of the
iterator object ("<reversed object at 0x...>"), not the reversed word, so it counts the tokens
of the wrong string.

Basis: a classic forum question: reversed() returns an iterator, and str() of it is its repr;
"".join(reversed(word)) or word[::-1] give the reversed string.
"""

EXPECT = ["reversed", "word[::-1]", "iterator", "join"]


def reversal_cost(encoding, word):
    return len(encoding.encode(word)), len(encoding.encode(str(reversed(word))))
