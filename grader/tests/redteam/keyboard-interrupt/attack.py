"""KeyboardInterrupt escapes from student code (pytest would stop the session)."""


def attack(*args, **kwargs):
    raise KeyboardInterrupt
