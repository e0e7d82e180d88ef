"""Returns an object that equals everything (and is truthy, hashable, iterable)."""


class Anything(list):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def attack(*args, **kwargs):
    return Anything()
