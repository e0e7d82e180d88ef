"""split_words uses the regex \\w+, which also counts "_" as a word character, so
"world_2" stays one word."""

EXPECT = "underscore"

import re


def split_words(text):
    return re.findall(r"\w+|[^\w\s]", text)
