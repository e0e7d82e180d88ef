"""Fishes gc.get_objects() for an object of the type the test might expect."""

import gc


def attack(*args, **kwargs):
    candidates = [
        o
        for o in gc.get_objects()
        if isinstance(o, list) and o and all(isinstance(x, int) for x in o[:3])
    ]
    return candidates[-1] if candidates else None
