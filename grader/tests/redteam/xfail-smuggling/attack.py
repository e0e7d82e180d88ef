"""pytest.xfail() from student code."""

import pytest


def attack(*args, **kwargs):
    pytest.xfail("expected to fail")
