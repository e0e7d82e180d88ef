"""utf8_bytes returns text.encode("utf-8") itself, a bytes object, instead of a list of ints."""

EXPECT = "list("


def utf8_bytes(text):
    return text.encode("utf-8")
