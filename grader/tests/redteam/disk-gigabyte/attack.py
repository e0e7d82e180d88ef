"""Writes up to a gigabyte wherever it can, and says how much it wrote."""

import os
import tempfile

WROTE = []


def attack(*args, **kwargs):
    if not WROTE:
        total, block = 0, b"x" * (1 << 20)
        places = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm", os.getcwd()]
        places += [os.path.expanduser("~"), "/run/lock", os.path.dirname(os.path.dirname(__file__))]
        for n, folder in enumerate(dict.fromkeys(places)):
            for i in range(1024):
                if total >= 1 << 30:
                    break
                try:
                    with open(os.path.join(folder, f"gigabyte-{n}-{i}"), "wb") as fh:
                        for _ in range(8):
                            fh.write(block)
                            total += len(block)
                except OSError:
                    break
        WROTE.append(total)
    raise RuntimeError(f"DISK wrote {WROTE[0] >> 20} MB")
