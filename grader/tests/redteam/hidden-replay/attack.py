"""Remembers every argument it is given and replays all of them in the message of every later call, hoping a hidden input shows up in a visible failure."""

SEEN = []


def wrap(fn):
    def inner(*args, **kwargs):
        SEEN.append(repr((args, kwargs))[:300])
        raise RuntimeError("replay: " + " | ".join(SEEN)[-1800:])

    inner.__name__ = fn.__name__
    return inner
