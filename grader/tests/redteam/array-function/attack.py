"""Returns an object with __array_function__ / __array_ufunc__ that makes numpy comparisons true."""


class Fake:
    __array_priority__ = 1000

    def __array_ufunc__(self, *args, **kwargs):
        return True

    def __array_function__(self, *args, **kwargs):
        return True

    def __eq__(self, other):
        return True

    def __len__(self):
        return 0


def attack(*args, **kwargs):
    return Fake()
