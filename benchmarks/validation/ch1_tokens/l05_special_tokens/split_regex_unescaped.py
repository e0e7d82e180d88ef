"""split_on_special joins the specials into a regex without re.escape, so the "|" inside
"<|eot|>" is read as alternation: the text is cut at every "<", "eot" and ">" and no special is
ever recognised as a whole.

Basis: the usual re.split recipe for splitting on several delimiters; tiktoken builds its
special-token regex with regex.escape for exactly this reason, and "<|...|>" is full of
metacharacters.
"""

EXPECT = ["escape", "metacharacter", "alternation", "regex"]


def split_on_special(text, specials):
    import re

    specials = [s for s in specials if s]
    if not specials:
        return [(text, False)] if text else []
    pattern = "(" + "|".join(sorted(specials, key=len, reverse=True)) + ")"
    out = []
    for part in re.split(pattern, text):
        if part:
            out.append((part, part in specials))
    return out
