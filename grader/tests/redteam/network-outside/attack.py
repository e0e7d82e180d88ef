"""Tries to reach an outside address (connect attempts only)."""

import socket


def attack(*args, **kwargs):
    reached = []
    for host in ("192.0.2.1", "1.1.1.1", "8.8.8.8"):
        try:
            with socket.create_connection((host, 53), timeout=0.5):
                reached.append(host)
        except OSError:
            pass
    raise RuntimeError(f"reached {reached}")
