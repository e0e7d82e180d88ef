"""add_bos_eos puts eos in front and bos at the end: the two markers are swapped."""

EXPECT = "swapped"


def add_bos_eos(ids, bos, eos):
    return ([eos] if eos is not None else []) + list(ids) + ([bos] if bos is not None else [])
