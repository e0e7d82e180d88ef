"""split_words lowercases every word, so "Hello" and "hello" become the same token.

Basis: word tokenizers in classic NLP tutorials call `.lower()` first; the course keeps case.
"""

EXPECT = ["lowercase", "lower()", "case"]


def split_words(text):
    words, run = [], []
    for ch in text:
        if ch.isalnum():
            run.append(ch.lower())
            continue
        if run:
            words.append("".join(run))
            run = []
        if not ch.isspace():
            words.append(ch)
    if run:
        words.append("".join(run))
    return words
