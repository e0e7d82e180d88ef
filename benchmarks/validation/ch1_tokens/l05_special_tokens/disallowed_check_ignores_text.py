"""encode_with_special raises for every special that is not allowed, whether or not it occurs
in the text, so with allowed="none" any text at all is refused.

Basis: tiktoken's rule read too literally: "disallowed special" means a disallowed special
string that appears in the text.
"""

EXPECT = ["appears in the text", "occurs in the text", "in the text", "present"]


def encode_with_special(text, ranks, pattern, specials, allowed="none"):
    if isinstance(allowed, str):
        if allowed == "all":
            allowed = set(specials)
        elif allowed == "none":
            allowed = set()
        else:
            raise ValueError(f'allowed must be a set, "all" or "none", not {allowed!r}')
    allowed = set(allowed)
    for s in specials:
        if s not in allowed:
            raise ValueError(f"the special token {s!r} is not allowed")
    segments = split_on_special(text, [s for s in specials if s in allowed])
    ids = []
    for segment, is_special in segments:
        if is_special:
            ids.append(specials[segment])
        else:
            ids.extend(encode_with_ranks(segment, ranks, pattern))
    return ids
