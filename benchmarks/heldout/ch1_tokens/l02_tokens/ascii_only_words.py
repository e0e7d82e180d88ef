"""split_words uses the regex [A-Za-z0-9]+, so a letter outside ASCII (é, ß, 日) breaks a word
apart instead of belonging to it.

Basis: `re.findall(r"[A-Za-z0-9]+|\\S", text)` is the pattern most blog posts give.
"""

EXPECT = ["ASCII", "non-ASCII", "isalnum"]

import re as _re


def split_words(text):
    return _re.findall(r"[A-Za-z0-9]+|\S", text)
