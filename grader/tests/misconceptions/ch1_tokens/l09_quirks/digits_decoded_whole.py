"""digit_groups decodes the whole list of ids at once, which just gives the number back."""

EXPECT = "on its own"


def digit_groups(encoding, number):
    return [encoding.decode(encoding.encode(number))]
