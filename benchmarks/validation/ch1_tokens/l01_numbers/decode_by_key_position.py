"""decode_chars reads list(vocab)[i], the i-th key of the dict, instead of the character whose
id is i, so a negative id wraps around to the last character instead of raising ValueError
(and a vocab whose ids are not in insertion order decodes to the wrong characters).

Basis: a typical forum question, "how do I get a dict key from its value": the shortcut
list(d)[i] assumes the id is the key's position, where the mapping must be inverted.
"""

EXPECT = ["invert", "inverse", "negative", "position"]


def decode_chars(ids, vocab):
    chars = list(vocab)
    out = []
    for i in ids:
        if i >= len(chars):
            raise ValueError(f"id {i!r} is not in the vocab")
        out.append(chars[i])
    return "".join(out)
