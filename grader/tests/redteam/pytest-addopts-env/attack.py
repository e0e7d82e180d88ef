"""Sets PYTEST_ADDOPTS (and other variables) in os.environ, then fails like a stub."""

import os

os.environ["PYTEST_ADDOPTS"] = "-k nothing -p no:hexahype"
os.environ["PYTEST_PLUGINS"] = "evil"


def attack(*args, **kwargs):
    os.environ["PYTEST_ADDOPTS"] = "-k nothing"
    raise NotImplementedError("lesson 1.3: not written yet")
