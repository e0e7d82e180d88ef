"""The check that is running now, for the diagnosis's probes (grader.diagnosis.probes).

A failing check's message may re-run the learner's function on other inputs, to confirm or
rule out a candidate mistake. For that the diagnosis needs three things that only the layers
above it know, so they leave them here, in a module that imports nothing of the kit:

- `calls`: what `grader.testing.call()` was asked to show, by its text: (function name,
  positional arguments, keyword arguments). Only recent calls are kept (`KEEP`).
- `modules`: the learner's modules that the running test received as fixtures
  (`grader.learner.guard` sets them while a test's call phase runs, and clears them after).
  A test that gets proxies instead (a graded run, whose learner code runs in the sandboxed
  worker) leaves none here, so no probe runs there: a probe must never cost a graded run a
  call timeout.
- `bound`: a context manager factory, `bound(seconds)`, that lets the code inside it run for at
  most `seconds` more of the test's CPU time, and yields a list that holds True when it ran out
  (then the test goes on as before), or holds True at once when too little of the test's own
  time is left (then the code inside must not run). Set by the guard with the test's timer; None where no
  timer runs (then no probe runs: a learner's loop could not be stopped).
- `probing_stopped`: a probe of the running test ran out of time; no other probe runs in it
  (code that did not return once costs the test its bound only once).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

KEEP = 32

calls: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {}
modules: tuple[Any, ...] = ()
bound: Callable[[float], AbstractContextManager[list[bool]]] | None = None
probing_stopped = False  # a probe ran out of time in this test: no further probe runs in it


def remember(text: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Keep what a call's text shows, for a probe or a record of it."""
    calls.pop(text, None)
    calls[text] = (name, args, kwargs)
    while len(calls) > KEEP:
        del calls[next(iter(calls))]


def running(found: tuple[Any, ...], limit: Callable[[float], Any] | None) -> None:
    """A test's call phase starts (its learner modules and its time bound) or ends (())."""
    global modules, bound, probing_stopped
    modules, bound, probing_stopped = found, limit, False
    if not found:
        calls.clear()
