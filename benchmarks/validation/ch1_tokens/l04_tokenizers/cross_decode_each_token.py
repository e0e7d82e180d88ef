"""cross_decode decodes each token's bytes to text on its own and joins the strings, so a
character whose bytes are split across two tokens becomes two U+FFFD instead of the character.

Basis: tiktoken's documented caveat (decode_single_token_bytes exists because a token can be
part of a character): the bytes of all tokens must be joined first and decoded once.
"""

EXPECT = ["join the bytes", "each token separately", "before decoding", "split across"]


def cross_decode(ids, encoding):
    chunks = []
    for i in ids:
        try:
            raw = encoding.decode_single_token_bytes(i)
        except (KeyError, OverflowError, TypeError):
            raise ValueError(f"token id {i!r} is not in the encoding {encoding.name!r}") from None
        chunks.append(raw.decode("utf-8", errors="replace"))
    return "".join(chunks)
