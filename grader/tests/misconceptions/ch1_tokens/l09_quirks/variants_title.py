"""whitespace_variants capitalizes with str.title(), which capitalizes every word, not only the first letter."""

EXPECT = "capitalize()"


def whitespace_variants(encoding, word):
    return {
        "plain": encoding.encode(word),
        "leading_space": encoding.encode(" " + word),
        "capitalized": encoding.encode(word.title()),
        "upper": encoding.encode(word.upper()),
    }
