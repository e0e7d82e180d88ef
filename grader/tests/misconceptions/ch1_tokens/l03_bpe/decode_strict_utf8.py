"""decode uses strict UTF-8, so a token that ends mid-character crashes."""

EXPECT = "UnicodeDecodeError"


def decode(ids, merges):
    vocab = vocab_bytes(merges)
    if any(i not in vocab for i in ids):
        raise ValueError("unknown id")
    return b"".join(vocab[i] for i in ids).decode("utf-8")
