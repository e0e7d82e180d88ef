"""build_char_vocab lowercases the text before collecting its characters (sorted(set(text.lower()))),
so capital letters get no id and encoding the very text the vocab was built from raises KeyError.

Basis: a text-cleaning habit from classic NLP and char-RNN tutorials ("normalise: lowercase
everything first"); a model's vocabulary must cover every character it is given, and case is
information the course's vocab keeps.
"""

EXPECT = ["lowercase", "lower()", "capital", "upper-case"]


def build_char_vocab(text):
    return {ch: i for i, ch in enumerate(sorted(set(text.lower())))}
