"""The vocab numbers characters in order of first appearance instead of sorted order, so the
same set of characters gets different ids depending on where they occur."""

EXPECT = "sort the distinct characters"


def build_char_vocab(text):
    return {ch: i for i, ch in enumerate(dict.fromkeys(text))}
