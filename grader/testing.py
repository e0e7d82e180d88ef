"""Helpers for the course's tests: failure messages that say what was called, what came back,
what was expected, and (when the wrong answer matches a known mistake) the likely mistake.

    got = bpe.merge([1, 2, 1, 2], (1, 2), 256)
    assert got == [256, 256], explain("merge", ([1, 2, 1, 2], (1, 2), 256), got, [256, 256])
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# numpy is imported only by the checks that compare arrays, so lessons that never touch numpy
# (1.1-1.5) start faster.

_MAX = 160


class NotStarted(NotImplementedError):
    """Raised by a check when the learner has not started an entry (a quiz with no answers)."""


def short(value: Any, limit: int = _MAX) -> str:
    """A compact repr: small arrays in full, large ones by shape and dtype, long text cut."""
    np_mod = sys.modules.get("numpy")
    if np_mod is not None and isinstance(value, np_mod.ndarray):
        if value.size <= 12:
            text = np_mod.array2string(value, precision=4, separator=", ", threshold=12)
            return f"array({text})"
        return f"array(shape={value.shape}, dtype={value.dtype})"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 15] + " ... " + text[-10:]
    return text


def call(name: str, *args: Any, **kwargs: Any) -> str:
    """How a call reads in a message: `merge([1, 2, 1, 2], (1, 2), 256)`."""
    parts = [short(a, 60) for a in args] + [f"{k}={short(v, 60)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def explain(
    call_text: str, got: Any, expected: Any | None = None, hint: str = "", expected_text: str = ""
) -> str:
    """The standard failure message: the call, what came back, what was expected, a diagnosis."""
    want = expected_text or (short(expected) if expected is not None else "")
    msg = f"{call_text} returned {short(got)}"
    if want:
        msg += f", expected {want}"
    msg += "."
    if hint:
        msg += f" Hint: {hint}"
    return msg


def first_difference(got: list[Any], expected: list[Any]) -> str:
    """Where two sequences first differ: `at index 3: got 257, expected 256`."""
    for i, (g, e) in enumerate(zip(got, expected)):
        if g != e:
            return f"first difference at index {i}: got {short(g, 40)}, expected {short(e, 40)}"
    if len(got) != len(expected):
        return f"lengths differ: got {len(got)} items, expected {len(expected)}"
    return "no difference"


def close(got: Any, expected: np.ndarray, atol: float = 1e-6, rtol: float = 1e-5) -> str:
    import numpy as np

    """'' when `got` is an array of the expected shape that matches; otherwise the reason."""
    if not isinstance(got, np.ndarray):
        return f"expected a numpy array, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"shape {got.shape}, expected {expected.shape}"
    bad = ~np.isclose(got, expected, atol=atol, rtol=rtol, equal_nan=False)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return (
            f"{int(bad.sum())} of {bad.size} values differ; first at index {idx}: "
            f"got {got[idx]!r}, expected {expected[idx]!r}"
        )
    return ""


def expect_raises(
    exc_type: type[BaseException] | tuple[type[BaseException], ...],
    fn: Any,
    *args: Any,
    hint: str = "",
    **kwargs: Any,
) -> BaseException:
    """Call fn(*args, **kwargs) and return the exception it raises; fail with the standard
    message (the call, what came back, what it should have raised) when it returns instead."""
    try:
        got = fn(*args, **kwargs)
    except exc_type as exc:
        return exc
    names = (
        exc_type.__name__
        if isinstance(exc_type, type)
        else " or ".join(e.__name__ for e in exc_type)
    )
    name = getattr(fn, "__name__", "the function")
    msg = f"{call(name, *args, **kwargs)} returned {short(got)}, expected it to raise {names}."
    if hint:
        msg += f" Hint: {hint}"
    raise AssertionError(msg)
