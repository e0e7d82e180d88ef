"""split_on_special builds its regex from the special strings without re.escape, so the "|" in
"<|eot|>" is read as "or" and the text is cut in the wrong places.

Basis: tiktoken itself builds its special-token regex with regex.escape; hand-written versions
often forget it (special tokens are full of "|").
"""

EXPECT = ["re.escape", "escape"]

import re as _re


def split_on_special(text, specials):
    specials = sorted((s for s in specials if s), key=len, reverse=True)
    if not specials:
        return [(text, False)] if text else []
    pattern = "(" + "|".join(specials) + ")"
    out = []
    for part in _re.split(pattern, text):
        if part:
            out.append((part, part in specials))
    return out
