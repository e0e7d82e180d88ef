"""trailing_space_effect returns the two id lists in the wrong order: with the trailing space
first, then without."""

EXPECT = "swapped"


def trailing_space_effect(encoding, prompt):
    return encoding.encode(prompt + " "), encoding.encode(prompt)
