"""Ignores SIGALRM, SIGTERM and SIGINT, then loops."""

import signal


def attack(*args, **kwargs):
    for sig in (signal.SIGALRM, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
