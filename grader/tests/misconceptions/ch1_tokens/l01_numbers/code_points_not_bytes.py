"""utf8_bytes returns the characters' code points (ord) instead of their UTF-8 bytes; this
agrees for ASCII and breaks for everything else, where values can exceed 255."""

EXPECT = "code points"


def utf8_bytes(text):
    return [ord(ch) for ch in text]
