"""split_on_special keeps the empty text segments between adjacent specials (and at the ends)
instead of dropping them."""

EXPECT = "drop empty segments"


def split_on_special(text, specials):
    out = []
    i = start = 0
    while i < len(text):
        match = None
        for s in sorted(specials, key=len, reverse=True):
            if s and text.startswith(s, i):
                match = s
                break
        if match is None:
            i += 1
            continue
        out.append((text[start:i], False))
        out.append((match, True))
        i += len(match)
        start = i
    out.append((text[start:], False))
    return out
