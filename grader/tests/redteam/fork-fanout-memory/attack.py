"""Forks eight children that each allocate and touch 400 MB, then waits for them."""

import os
import time


def attack(*args, **kwargs):
    kids = []
    for _ in range(8):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                block = bytearray(400 * 1024 * 1024)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                time.sleep(30)
            finally:
                os._exit(0)
        kids.append(pid)
    hoard = []
    try:
        for _ in range(40):
            hoard.append(bytearray(64 * 1024 * 1024))
            hoard[-1][::4096] = b"\x01" * len(hoard[-1][::4096])
    except MemoryError:
        pass
    time.sleep(30)
    return None
