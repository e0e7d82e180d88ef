"""from_utf8_bytes decodes with errors="ignore", so broken bytes vanish without a trace
instead of showing up as U+FFFD."""

EXPECT = "not 'ignore'"


def from_utf8_bytes(values):
    for v in values:
        if not 0 <= v <= 255:
            raise ValueError(f"{v} is not a byte")
    return bytes(values).decode("utf-8", errors="ignore")
