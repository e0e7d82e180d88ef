"""whitespace_variants puts the space after the word (word + " ") instead of in front of it."""

EXPECT = "in front"


def whitespace_variants(encoding, word):
    return {
        "plain": encoding.encode(word),
        "leading_space": encoding.encode(word + " "),
        "capitalized": encoding.encode(word.capitalize()),
        "upper": encoding.encode(word.upper()),
    }
