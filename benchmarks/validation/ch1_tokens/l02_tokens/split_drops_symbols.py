"""split_words keeps only the runs of letters and digits and throws away every other
character, so punctuation and symbols ("," "!" "_") are lost instead of being tokens of their
own.

Basis: word counting habits (re.findall of word runs, "strip the punctuation") carried over to
a tokenizer, which must keep every non-space character.
"""

EXPECT = ["punctuation", "symbol", "dropped", "own token"]


def split_words(text):
    words = []
    run = []
    for ch in text:
        if ch.isalnum():
            run.append(ch)
            continue
        if run:
            words.append("".join(run))
            run = []
    if run:
        words.append("".join(run))
    return words
