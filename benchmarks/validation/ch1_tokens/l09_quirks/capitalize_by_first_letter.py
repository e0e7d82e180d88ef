"""whitespace_variants builds "capitalized" as word[0].upper() + word[1:], which keeps the rest
of the word as it was, where str.capitalize() also lowercases it ("hELLO" -> "Hello", not
"HELLO").

Basis: the hand-written "uppercase the first letter" idiom taken for str.capitalize(), a
common forum answer that differs on words with capitals after the first letter.
"""

EXPECT = ["capitalize", "lowercase", "rest of the word"]


def whitespace_variants(encoding, word):
    return {
        "plain": encoding.encode(word),
        "leading_space": encoding.encode(" " + word),
        "capitalized": encoding.encode(word[0].upper() + word[1:]),
        "upper": encoding.encode(word.upper()),
    }
