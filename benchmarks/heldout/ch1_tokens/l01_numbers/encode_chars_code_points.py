"""encode_chars returns each character's Unicode code point (ord) instead of its id in the vocab.

Basis: the usual first step of a character tokenizer tutorial is `[ord(c) for c in text]`; a
learner who has just seen that keeps it and ignores the vocab argument.
"""

EXPECT = ["code point", "ord(", "id in the vocab", "vocab's id"]


def encode_chars(text, vocab):
    for ch in text:
        if ch not in vocab:
            raise KeyError(f"character {ch!r} is not in the vocab")
    return [ord(ch) for ch in text]
