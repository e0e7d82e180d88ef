"""sequence_lengths counts tokens with cl100k().encode(text), whose default refuses
"<|endoftext|>" in the text (ValueError): user text must be encoded as plain text, with
encode_ordinary."""

EXPECT = "encode_ordinary"


def sequence_lengths(text):
    from grader.assets import cl100k

    return {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "words": len(split_words(text)),
        "cl100k": len(cl100k().encode(text)),
    }
