"""sequence_lengths counts "bytes" as len(text), which is the number of characters: that is
only right for ASCII text, where each character is one UTF-8 byte."""

EXPECT = "text.encode('utf-8')"


def sequence_lengths(text):
    from grader.assets import cl100k

    return {
        "bytes": len(text),
        "chars": len(text),
        "words": len(split_words(text)),
        "cl100k": len(cl100k().encode_ordinary(text)),
    }
