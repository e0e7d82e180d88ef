"""split_words keeps a run of punctuation such as "!!" or "..." as one token, where each symbol
must stand on its own.

Basis: learners group "everything that is not a letter" the way they group letters.
"""

EXPECT = ["on its own", "each symbol", "punctuation"]


def split_words(text):
    words, run, kind = [], [], None
    for ch in text:
        if ch.isspace():
            if run:
                words.append("".join(run))
            run, kind = [], None
            continue
        k = ch.isalnum()
        if run and k != kind:
            words.append("".join(run))
            run = []
        run.append(ch)
        kind = k
    if run:
        words.append("".join(run))
    return words
