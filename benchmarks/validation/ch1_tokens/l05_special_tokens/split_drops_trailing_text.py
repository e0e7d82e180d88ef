"""split_on_special never emits the text after the last special (the final segment is not
flushed after the loop), so "a<|eot|>b" loses "b" and a text with no special comes back empty.

Basis: a well-known loop trap: the segment still open when the scan ends must be added after
the loop.
"""

EXPECT = ["after the last", "trailing", "final segment", "end of the text"]


def split_on_special(text, specials):
    out = []
    start = i = 0
    while i < len(text):
        found = max((s for s in specials if s and text.startswith(s, i)), key=len, default=None)
        if found is None:
            i += 1
            continue
        if i > start:
            out.append((text[start:i], False))
        out.append((found, True))
        i = start = i + len(found)
    return out
