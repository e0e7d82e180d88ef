"""A double-forked child that outlives the call and keeps writing forged results."""

import glob
import json
import os
import time


def _forge_forever():
    end = time.time() + 20
    while time.time() < end:
        for path in glob.glob("/tmp/**/*results*.json", recursive=True):
            try:
                with open(path, "w") as fh:
                    json.dump({"version": 1, "lessons": [], "tests": []}, fh)
            except OSError:
                pass
        time.sleep(0.2)


def attack(*args, **kwargs):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            _forge_forever()
        os._exit(0)
    return None
