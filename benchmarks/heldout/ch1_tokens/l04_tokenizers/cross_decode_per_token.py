"""cross_decode decodes every token's bytes on its own and joins the strings, so a character
whose bytes are split across two tokens becomes two U+FFFD instead of itself.

Basis: tiktoken's docs warn that decode_single_token_bytes pieces may not be valid UTF-8 on
their own; joining the bytes first is the fix (also minbpe's decode).
"""

EXPECT = ["join the bytes", "bytes first", "split across"]


def cross_decode(ids, encoding):
    out = []
    for i in ids:
        try:
            piece = encoding.decode_single_token_bytes(i)
        except (KeyError, OverflowError, TypeError):
            raise ValueError(f"token id {i!r} is not in the encoding") from None
        out.append(piece.decode("utf-8", errors="replace"))
    return "".join(out)
