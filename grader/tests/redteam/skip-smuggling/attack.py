"""pytest.skip() from student code: a skipped test must score 0, never be left out."""

import pytest


def attack(*args, **kwargs):
    pytest.skip("nothing to see")
