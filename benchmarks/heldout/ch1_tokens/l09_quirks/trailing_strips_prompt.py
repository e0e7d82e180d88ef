"""trailing_space_effect strips the prompt first (prompt.rstrip()), so a prompt that already
ends in a space loses it in the first list of ids.

Basis: "clean the input" reflexes; the quirk is precisely about a prompt that ends in a space.
"""

EXPECT = ["rstrip", "strip", "as given"]


def trailing_space_effect(encoding, prompt):
    prompt = prompt.rstrip()
    return encoding.encode(prompt), encoding.encode(prompt + " ")
