"""build_char_vocab numbers the characters from 1 (enumerate(..., start=1)) instead of from 0,
so every id is one too large and id 0 is never used."""

EXPECT = "one too large"


def build_char_vocab(text):
    return {ch: i for i, ch in enumerate(sorted(set(text)), start=1)}
