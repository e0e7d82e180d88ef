"""Writes its own answer to the protocol pipe: a dict whose keys all share one hash."""

import json
import os
import sys

KEYS = 60_000  # an unguarded harness spends about a minute building this dict


def attack(*args, **kwargs):
    frame = sys._getframe()
    while frame is not None and not {"rid", "out_fd"} <= set(frame.f_locals):
        frame = frame.f_back
    if frame is None:
        raise RuntimeError("no protocol pipe found")
    rid, fd = frame.f_locals["rid"], frame.f_locals["out_fd"]
    modulus = (1 << 61) - 1  # every multiple of it hashes to 0
    pairs = [[i * modulus, 0] for i in range(1, KEYS)]
    line = json.dumps({"id": rid, "ok": {"d": pairs}}).encode() + b"\n"
    view = memoryview(line)
    while view:
        view = view[os.write(fd, view) :]
    return {}
