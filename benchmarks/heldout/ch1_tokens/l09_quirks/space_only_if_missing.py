"""trailing_space_effect adds the space only when the prompt does not already end in one, so
for such a prompt both lists are the same.

Basis: learners "normalise" to exactly one trailing space.
"""

EXPECT = ['prompt + " "', "always add", "one more space"]


def trailing_space_effect(encoding, prompt):
    spaced = prompt if prompt.endswith(" ") else prompt + " "
    return encoding.encode(prompt), encoding.encode(spaced)
