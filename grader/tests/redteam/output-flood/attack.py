"""Floods stdout and stderr, then answers garbage."""

import os
import sys
import time


def attack(*args, **kwargs):
    end = time.time() + 0.1
    line = "x" * 10000 + "\n"
    while time.time() < end:
        sys.stdout.write(line)
        sys.stderr.write(line)
        os.write(1, line.encode())
    return "garbage"
