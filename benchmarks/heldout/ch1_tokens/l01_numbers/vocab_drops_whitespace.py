"""build_char_vocab leaves out spaces and newlines, so a text with a space cannot be encoded.

Basis: learners treat whitespace as a separator rather than a character (`set(text.split())`
habits carried over from word tokenizers).
"""

EXPECT = ["space", "whitespace"]


def build_char_vocab(text):
    return {ch: i for i, ch in enumerate(sorted(set(c for c in text if not c.isspace())))}
