"""Reads expected values from inspect.stack() frames."""

import inspect


def attack(*args, **kwargs):
    for info in inspect.stack():
        for name in ("want", "expected"):
            if name in info.frame.f_locals:
                return info.frame.f_locals[name]
    raise RuntimeError("no expected value in sight")
