"""SystemExit escapes from student code."""


def attack(*args, **kwargs):
    raise SystemExit(0)
