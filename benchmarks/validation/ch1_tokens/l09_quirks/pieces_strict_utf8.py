"""letters_hidden decodes each token's bytes strictly (.decode("utf-8") without
errors="replace"), so a token holding half of a multi-byte character (an accented letter, an
emoji, most CJK text) raises UnicodeDecodeError instead of giving a replacement piece.

Basis: tiktoken's docs warn that decode_single_token_bytes exists because single tokens can be
partial UTF-8; "UnicodeDecodeError: unexpected end of data" when decoding tokens one by one is
a frequent tiktoken and BPE forum question.
"""

EXPECT = ["utf-8", "errors=", "unicodedecodeerror", "half of a character"]


def letters_hidden(encoding, word):
    return [encoding.decode_single_token_bytes(t).decode("utf-8") for t in encoding.encode(word)]
