"""Detectors about the objects themselves rather than their values: nothing returned, the right
value in the wrong type, items that are one object where independent copies are expected, an
argument changed in place. Each detector returns a `Finding` (NOTHING when it does not fire):
these are exact (the value is right, its type or identity is not), so each names its cause."""

from __future__ import annotations

import sys
from typing import Any

from .finding import NOTHING, Finding
from .outputs import same

_MUTABLE = (list, dict, set, bytearray)


def same_value(a: Any, b: Any) -> bool:
    """The same result (2 == 2.0, a list == an array of the same numbers, floats within the
    tolerances of grader.diagnosis.outputs)."""
    return same(a, b)


def _np() -> Any:
    return sys.modules.get("numpy")


def _is_np_scalar(x: Any) -> bool:
    np = _np()
    return np is not None and isinstance(x, np.generic)


def _is_array(x: Any) -> bool:
    np = _np()
    return np is not None and isinstance(x, np.ndarray)


def returned_none(got: Any, expected: Any) -> Finding:
    if got is None and expected is not None:
        return Finding(
            "it returned None",
            "a `return` is missing, or it returned the result of an in-place call such as "
            "list.sort() or list.append(), which is None",
        )
    return NOTHING


def _python_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not _is_np_scalar(x)


def _scalar_type(got: Any, expected: Any) -> str:
    """Same value, wrong kind of number."""
    if _is_np_scalar(got) and _python_number(expected) and got.item() == expected:
        want = type(expected).__name__
        return (
            f"a numpy scalar ({type(got).__name__}) where a plain Python {want} is expected :: "
            f"convert it with {want}(...)"
        )
    if type(got) is int and type(expected) is float and got == expected:
        return "an int where a float is expected (the value is right) :: convert it with float(...)"
    if type(got) is float and type(expected) is int and got == expected:
        return (
            f"a float ({got!r}) where an int is expected :: convert it with int(...) or keep to "
            "integer arithmetic (// instead of /)"
        )
    return ""


def _leaves(x: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(x, (list, tuple)):
        return [leaf for i, v in enumerate(x) for leaf in _leaves(v, f"{path}[{i}]")]
    if isinstance(x, dict):
        return [leaf for k, v in x.items() for leaf in _leaves(v, f"{path}[{k!r}]")]
    return [(path, x)]


def wrong_type(got: Any, expected: Any) -> Finding:
    """The right value in the wrong type: numpy scalar, int/float, array/list, tuple/list,
    str/bytes, or a dtype. The advice after the last ' :: ' of the text is the cause."""
    text = _wrong_type(got, expected)
    if not text:
        return NOTHING
    how, _, why = text.partition(" :: ")
    return Finding(how, why)


def _wrong_type(got: Any, expected: Any) -> str:
    text = _scalar_type(got, expected)
    if text:
        return text
    if not same_value(got, expected):
        if isinstance(got, (bytes, bytearray)) and isinstance(expected, list):
            if list(got) == expected:
                return "a bytes object where a list of ints is expected :: wrap it in list(...)"
        if isinstance(got, str) and isinstance(expected, bytes) and got.encode() == expected:
            return "text (str) where bytes are expected :: keep the bytes (or .encode('utf-8'))"
        if isinstance(got, bytes) and isinstance(expected, str) and got == expected.encode():
            return "bytes where text (str) is expected :: decode them with .decode('utf-8')"
        if isinstance(got, list) and isinstance(expected, list) and len(got) == len(expected):
            pairs = list(zip(got, expected))
            if pairs and all(isinstance(g, str) and isinstance(e, bytes) for g, e in pairs):
                if all(g.encode() == e for g, e in pairs):
                    return (
                        "a list of str where a list of bytes is expected :: keep each item's bytes"
                    )
            if pairs and all(isinstance(g, bytes) and isinstance(e, str) for g, e in pairs):
                if all(g == e.encode() for g, e in pairs):
                    return "a list of bytes where a list of str is expected :: decode each item"
        return ""
    if _is_array(got) and isinstance(expected, (list, tuple)):
        return "a numpy array where a list is expected :: convert it with .tolist()"
    if isinstance(got, (list, tuple)) and _is_array(expected):
        return "a list where a numpy array is expected :: wrap it in np.array(...)"
    if _is_array(got) and _is_array(expected) and got.dtype.kind != expected.dtype.kind:
        return (
            f"the values are right but the dtype is {got.dtype}, expected {expected.dtype} :: "
            f"build it with dtype={expected.dtype.name} (or .astype(...))"
        )
    if isinstance(got, tuple) and isinstance(expected, list):
        return "a tuple where a list is expected :: return list(...)"
    if isinstance(got, list) and isinstance(expected, tuple):
        return "a list where a tuple is expected :: return a tuple"
    if isinstance(got, (list, tuple, dict)) and type(got) is type(expected):
        for (where, g), (_, e) in zip(_leaves(got), _leaves(expected)):
            text = _scalar_type(g, e)
            if text:
                return f"at {where}: {text}"
            if type(g) is tuple and type(e) is list or type(g) is list and type(e) is tuple:
                return f"at {where}: a {type(g).__name__} where a {type(e).__name__} is expected"
    return ""


def _containers(got: Any) -> list[tuple[str, Any]]:
    """The items of a result whose identity matters, with where they sit (one level down, and
    the items of lists held in a dict, such as params['blocks'])."""
    items: list[tuple[str, Any]] = []
    if isinstance(got, (list, tuple)):
        items = [(f"item {i}", v) for i, v in enumerate(got)]
    elif isinstance(got, dict):
        items = [(f"[{k!r}]", v) for k, v in got.items()]
        for k, v in got.items():
            if isinstance(v, list):
                items += [(f"[{k!r}][{i}]", w) for i, w in enumerate(v)]
    nested = []
    for where, v in items:
        if isinstance(v, dict):
            nested += [(f"{where}[{k!r}]", w) for k, w in v.items()]
    return items + nested


def _mutable(x: Any) -> bool:
    return isinstance(x, _MUTABLE) or (_is_array(x) and x.size > 0)


def _shares(a: Any, b: Any) -> bool:
    if a is b:
        return True
    np = _np()
    if np is not None and isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        return a.size > 0 and b.size > 0 and bool(np.shares_memory(a, b))
    return False


def aliased(got: Any, expected: Any = None) -> Finding:
    """Two parts of the result are one object, where the expected parts differ (or where no
    expected value is given)."""
    items = [(w, v) for w, v in _containers(got) if _mutable(v)]
    if len(items) < 2 or len(items) > 400:
        return NOTHING
    want = dict(_containers(expected)) if expected is not None else {}
    for i, (wa, a) in enumerate(items):
        for wb, b in items[i + 1 :]:
            if not _shares(a, b):
                continue
            if wa in want and wb in want and same_value(want[wa], want[wb]):
                continue
            return Finding(
                f"{wa} and {wb} of the result are the same object, so changing one changes the "
                "other",
                "build each one separately (a new list, dict or array each time, or .copy())",
            )
    return NOTHING


def returned_input(got: Any, inputs: dict[str, Any]) -> str:
    """The result is (or shares memory with) one of the arguments."""
    for name, value in inputs.items():
        if _mutable(value) and _shares(got, value):
            return (
                f"it returned the very object it was given as {name}, not a new one: a caller "
                "that changes one changes the other (return a copy)"
            )
    return ""


def mutation(before: Any, after: Any) -> str:
    """How an argument was changed in place ('' when it was not): 'it now holds X', with the
    shape of the change when a detector recognises it."""
    if same_value(before, after):
        return ""
    from ..values import short
    from . import describe

    how = describe(after, before).replace("the expected", "the original")
    return f"it now holds {short(after)}" + (f" ({how})" if how else "")
