"""from_utf8_bytes decodes the bytes as Latin-1 instead of UTF-8, so every character beyond ASCII
turns into mojibake ("hé" comes back as "hÃ©")."""

EXPECT = "Latin-1"


def from_utf8_bytes(values):
    for v in values:
        if not 0 <= v <= 255:
            raise ValueError(f"{v!r} is not a byte value (0..255)")
    return bytes(values).decode("latin-1")
