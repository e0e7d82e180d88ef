"""The hooks the kit's pytest plugin offers to other plugins."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookspec(firstresult=True)
def pytest_hexahype_load_module(config: pytest.Config, lesson: Any) -> Any:
    """Return the object that tests receive as `lesson`'s module (a proxy, for example), or None
    to let the plugin import the lesson module in process. The first non-None answer wins.

    Grading uses it (`grader.grading.budget`) to hand tests proxies whose calls run in the
    sandboxed worker, so that the learner side never imports the grading side."""
