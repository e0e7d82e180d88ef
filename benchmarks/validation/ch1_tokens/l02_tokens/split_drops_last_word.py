"""split_words never adds the run of letters and digits that is still open when the loop ends,
so the last word of a text is lost when nothing follows it ("the cat" gives ["the"]).

Basis: the classic accumulate-and-flush loop trap: a run is only emitted when a separator ends
it, and the final flush after the loop is forgotten.
"""

EXPECT = ["last word", "after the loop", "final run", "end of the text"]


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
        if not ch.isspace():
            words.append(ch)
    return words
