"""Turns each token into text with decode([id]) and encodes it back, which replaces half
characters by U+FFFD: a token is bytes, not always a whole character."""

EXPECT = "decode_single_token_bytes"


def pieces(encoding, text):
    return [encoding.decode([t]).encode("utf-8") for t in encoding.encode_ordinary(text)]
