"""from_utf8_bytes decodes every byte value on its own (bytes([v]).decode(...) for each v) and
joins the strings, so each byte of a multi-byte character becomes its own U+FFFD: "hé" comes back
as "h\\ufffd\\ufffd".

Basis: the per-item loop of decode_chars carried over to bytes; a UTF-8 character can span up
to four bytes, so the bytes must be joined first and decoded together.
"""

EXPECT = ["one byte at a time", "each byte", "multi-byte", "join the bytes"]


def from_utf8_bytes(values):
    for v in values:
        if not 0 <= v <= 255:
            raise ValueError(f"{v!r} is not a byte value (0..255)")
    return "".join(bytes([v]).decode("utf-8", errors="replace") for v in values)
