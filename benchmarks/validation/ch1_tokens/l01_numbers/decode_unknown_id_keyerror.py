"""decode_chars indexes the inverted vocab directly (inverse[i]) without checking the id, so an
unknown id raises KeyError instead of the ValueError the task asks for.

Basis: a common shortcut: "the dict raises anyway, so no check is needed", which lets the
lookup's KeyError escape where the function's contract names ValueError (an id is a bad value,
not a missing key of the caller's dict).
"""

EXPECT = ["valueerror", "keyerror", "exception type", "wrong exception"]


def decode_chars(ids, vocab):
    inverse = {i: ch for ch, i in vocab.items()}
    chars = []
    for i in ids:
        chars.append(inverse[i])
    return "".join(chars)
