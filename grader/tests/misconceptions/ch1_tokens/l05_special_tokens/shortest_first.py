"""Takes the first special (in list order) that matches at a position, so "<|im" cuts
"<|im_start|>" in two: specials must be matched longest-first."""

EXPECT = "longer one wins"


def split_on_special(text, specials):
    out, start, i = [], 0, 0
    while i < len(text):
        found = next((s for s in sorted(specials, key=len) if s and text.startswith(s, i)), None)
        if found is None:
            i += 1
            continue
        if i > start:
            out.append((text[start:i], False))
        out.append((found, True))
        i = start = i + len(found)
    if start < len(text):
        out.append((text[start:], False))
    return out
