"""from_utf8_bytes accepts values above 255 by keeping only their low 8 bits (v % 256), so a
value that is not a byte silently turns into some other character."""

EXPECT = "do not wrap or mask"


def from_utf8_bytes(values):
    return bytes(v % 256 for v in values).decode("utf-8", errors="replace")
