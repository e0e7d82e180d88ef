"""Answers correctly while it records its arguments, then fails every call from the twentieth on with everything it saw."""

SEEN = []


def wrap(fn):
    def inner(*args, **kwargs):
        SEEN.append(repr((args, kwargs))[:300])
        if len(SEEN) >= 20:
            raise RuntimeError("replay: " + " | ".join(SEEN)[-1800:])
        return fn(*args, **kwargs)

    inner.__name__ = fn.__name__
    return inner
