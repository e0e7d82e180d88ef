"""decode silently drops ids it does not know instead of raising ValueError."""


def decode(ids, merges):
    vocab = vocab_bytes(merges)
    return b"".join(vocab[i] for i in ids if i in vocab).decode("utf-8", errors="replace")
