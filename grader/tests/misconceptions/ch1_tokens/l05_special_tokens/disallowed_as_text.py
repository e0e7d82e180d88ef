"""Encodes a special string that is not allowed as plain text instead of raising: user text
could then smuggle control tokens past the check (tiktoken raises)."""

EXPECT = "must raise"


def encode_with_special(text, ranks, pattern, specials, allowed="none"):
    if allowed == "all":
        allowed = set(specials)
    elif allowed == "none":
        allowed = set()
    elif isinstance(allowed, str):
        raise ValueError(allowed)
    ids = []
    for seg, special in split_on_special(text, [s for s in specials if s in allowed]):
        ids.extend([specials[seg]] if special else encode_with_ranks(seg, ranks, pattern))
    return ids
