"""os._exit(0) in the middle of a call: the harness must not read it as success."""

import os


def attack(*args, **kwargs):
    os._exit(0)
