"""letters_hidden returns each token's bytes (decode_single_token_bytes) without decoding them
to text, so the pieces are bytes instead of str."""

EXPECT = "decode each"


def letters_hidden(encoding, word):
    return [encoding.decode_single_token_bytes(t) for t in encoding.encode(word)]
