"""encode_with_special turns allowed="all" into set("all") = {"a", "l"} instead of the set of
every special, so "all" allows none of them.

Basis: `allowed = set(allowed)` on a string is a classic Python trap; tiktoken's API takes
"all" as a literal.
"""

EXPECT = ['"all"', "'all'", "every special"]


def encode_with_special(text, ranks, pattern, specials, allowed="none"):
    if allowed == "none":
        allowed = set()
    allowed = set(allowed)
    found = [(text.find(s), s) for s in specials if s not in allowed and s in text]
    if found:
        raise ValueError(f"the text contains the special token {min(found)[1]!r}")
    ids = []
    for segment, is_special in split_on_special(text, [s for s in specials if s in allowed]):
        ids.extend(
            [specials[segment]] if is_special else encode_with_ranks(segment, ranks, pattern)
        )
    return ids
