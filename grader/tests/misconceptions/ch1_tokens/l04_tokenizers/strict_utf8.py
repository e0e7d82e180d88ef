"""Decodes the joined bytes with strict UTF-8, so ids that end in the middle of a character
raise UnicodeDecodeError instead of giving U+FFFD as tiktoken does."""

EXPECT = "errors='replace'"


def cross_decode(ids, encoding):
    try:
        raw = b"".join(encoding.decode_single_token_bytes(i) for i in ids)
    except (KeyError, OverflowError) as exc:
        raise ValueError(f"unknown id: {exc}") from None
    return raw.decode("utf-8")
