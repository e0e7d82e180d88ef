"""split_words uses str.isalpha() instead of str.isalnum(), so digits break words apart:
"abc123" becomes "abc", "1", "2", "3"."""

EXPECT = "isalnum"


def split_words(text):
    words, run = [], ""
    for ch in text:
        if ch.isalpha():
            run += ch
            continue
        if run:
            words.append(run)
            run = ""
        if not ch.isspace():
            words.append(ch)
    if run:
        words.append(run)
    return words
