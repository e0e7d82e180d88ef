"""from_utf8_bytes checks 0 <= v < 255 instead of 0 <= v <= 255, so the valid byte value 255
is refused as "not a byte" (an off-by-one at the top of the range).

Basis: a well-known trap: "256 possible values" turned into an exclusive bound one too low; a
byte is any value from 0 to 255 inclusive (range(256)).
"""

EXPECT = ["off by one", "off-by-one", "255", "inclusive"]


def from_utf8_bytes(values):
    for v in values:
        if not 0 <= v < 255:
            raise ValueError(f"{v!r} is not a byte value (0..255)")
    return bytes(values).decode("utf-8", errors="replace")
