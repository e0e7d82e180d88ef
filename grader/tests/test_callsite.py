"""The call a crash report shows: each argument by its value when short, by the test's own name
for it when the value reads badly (grader/learner/callsite.py)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest

from grader.learner import callsite
from grader.testing import _text

PARAMS = {"wte": np.zeros((13, 8)), "blocks": [{"w_q": np.ones((8, 8))}] * 2, "lnf_g": np.ones(8)}
CFG = {"context_length": 12, "d_model": 8, "n_heads": 2, "n_layers": 2, "vocab_size": 13}


class Cache:
    pass


def boom(*args: Any, **kwargs: Any) -> None:
    raise IndexError("index 1000003 is out of bounds")


def _shown(call: Any) -> str:
    """The report's text of the call that `call()` makes to `boom`."""
    try:
        call()
    except IndexError as exc:
        tb = exc.__traceback__
        assert tb is not None
        while tb.tb_next is not None and tb.tb_next.tb_frame.f_code is not boom.__code__:
            tb = tb.tb_next
        sources = callsite.argument_sources(tb)
        args, kwargs = tb.tb_next.tb_frame.f_locals["args"], tb.tb_next.tb_frame.f_locals["kwargs"]
        return callsite.call_text("boom", list(args), kwargs, sources, _text)
    raise AssertionError("boom did not raise")


needs_positions = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="Python 3.10 has no co_positions: values only, as before"
)


@needs_positions
def test_long_and_object_arguments_read_by_the_tests_names_short_ones_by_value() -> None:
    cache, ids = Cache(), np.array([3, 1, 4, 1, 5])
    got = _shown(lambda: boom(PARAMS, ids, cache, CFG, temperature=0.5))
    assert got == "boom(PARAMS, array([3, 1, 4, 1, 5]), cache, CFG, temperature=0.5)"


@needs_positions
def test_the_call_is_found_by_its_position_not_its_line() -> None:
    # two calls on one line, and one over several lines: each reads its own arguments
    cache = Cache()
    got = _shown(lambda: (len([PARAMS]), boom(1, cache)))
    assert got == "boom(1, cache)"
    got = _shown(
        lambda: boom(
            PARAMS,
            2,
        )
    )
    assert got == "boom(PARAMS, 2)"


def test_without_the_tests_words_every_argument_shows_its_value() -> None:
    args = (1, Cache())
    got = _shown(lambda: boom(*args))  # a starred call: no source for each argument
    assert got.startswith("boom(1, <") and "Cache object" in got
    assert callsite.call_text("f", [PARAMS], {}, None, _text).startswith("f({'wte': array(")


def test_an_expression_that_is_not_a_name_keeps_the_value() -> None:
    assert callsite.readable("[1, 2, 3]", "make_ids(3)") == "[1, 2, 3]"
    assert callsite.readable("<Cache object at 0x7f>", "cache") == "cache"
    assert callsite.readable("x" * 40, "a_name_far_too_long_to_be_any_clearer_than_it") == "x" * 40
