"""build_char_vocab enumerates sorted(text) instead of sorted(set(text)), so a repeated
character takes several ids (the last one wins) and the ids have gaps."""

EXPECT = "distinct"


def build_char_vocab(text):
    return {ch: i for i, ch in enumerate(sorted(text))}
