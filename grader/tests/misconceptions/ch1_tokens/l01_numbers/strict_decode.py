"""from_utf8_bytes decodes with the default errors="strict", so a cut-off or invalid byte
sequence crashes with UnicodeDecodeError instead of becoming U+FFFD."""

EXPECT = "errors='replace'"


def from_utf8_bytes(values):
    for v in values:
        if not 0 <= v <= 255:
            raise ValueError(f"{v} is not a byte")
    return bytes(values).decode("utf-8")
