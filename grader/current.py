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
- `inputs`: the running test module's `PROBE_INPUTS` (label -> a function of no argument that
  returns the input shown by that label, such as a tokenizer or a model's parameters), set by
  the guard with `modules`: an input shown by such a label (`grader.testing.shown`) is stored
  as a reference to it, and a probe rebuilds it from there (`grader.diagnosis.probes`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

KEEP = 32

# text -> (function name, positional arguments, keyword arguments, labels), where labels maps
# ("a", i) or ("k", name) to the label a shown argument was given
calls: dict[str, tuple[str, tuple[Any, ...], dict[str, Any], dict[tuple[str, Any], str]]] = {}
inputs: dict[str, Callable[[], Any]] = {}
modules: tuple[Any, ...] = ()
bound: Callable[[float], AbstractContextManager[list[bool]]] | None = None
probing_stopped = False  # a probe ran out of time in this test: no further probe runs in it


def remember(
    text: str,
    name: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    labels: dict[tuple[str, Any], str] | None = None,
) -> None:
    """Keep what a call's text shows, for a probe or a record of it."""
    calls.pop(text, None)
    calls[text] = (name, args, kwargs, labels or {})
    while len(calls) > KEEP:
        del calls[next(iter(calls))]


def running(
    found: tuple[Any, ...],
    limit: Callable[[float], Any] | None,
    declared: dict[str, Callable[[], Any]] | None = None,
) -> None:
    """A test's call phase starts (its learner modules, its time bound and its module's
    PROBE_INPUTS) or ends (())."""
    global modules, bound, probing_stopped, inputs
    modules, bound, probing_stopped = found, limit, False
    inputs = dict(declared or {}) if found else {}
    if not found:
        calls.clear()
