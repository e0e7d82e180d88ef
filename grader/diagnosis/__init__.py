"""Diagnosis of a wrong answer, for the failure messages of `grader.testing`.

Two mechanisms, tried in this order when a check fails:

1. the differential diagnosis (`known`): the answer is compared, by closeness
   (`outputs.close`), with the results that the kit's misconception bank returns on the same
   visible check; a match names that mistake in the bank entry's words;
2. generic detectors that read the shape of the wrong answer off the answer and the expected
   value: wrong type (`objects`), numeric transforms such as transposed, reversed, shifted,
   scaled, normalised along the wrong axis (`arrays`), and list, text and dict changes such as
   the wrong order or one item missing (`sequences`).

A diagnosis appears only when the answer really has that shape; otherwise nothing is said.
This package is imported on the first failing check, never by a passing run.
"""

from __future__ import annotations

import sys
from typing import Any

from . import known, objects, sequences

_DEPTH = 0


def _numeric(x: Any) -> bool:
    np = sys.modules.get("numpy")
    if np is not None and isinstance(x, (np.ndarray, np.number)):
        return True
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return True
    if isinstance(x, (list, tuple)) and x and len(x) <= 100_000:
        first = x[0]
        return _numeric(first) or (isinstance(first, (list, tuple)) and bool(first))
    return False


def _flat(x: Any, out: list[Any]) -> str:
    """The nesting of lists and tuples (as text), with the leaves appended to `out`."""
    if isinstance(x, (list, tuple)):
        return "(" + ",".join(_flat(v, out) for v in x) + ")"
    out.append(x)
    return "."


def _leaves(got: Any, expected: Any) -> str:
    """Nested lists of numbers with the same nesting (merges, pairs): read the numbers."""
    from . import arrays

    g: list[Any] = []
    e: list[Any] = []
    if _flat(got, g) != _flat(expected, e) or len(e) < 2:
        return ""
    if not all(_numeric(v) and not isinstance(v, (list, tuple)) for v in g + e):
        return ""
    return arrays.describe_flat(g, e)


def describe(got: Any, expected: Any) -> str:
    """One clause that names the shape of a wrong answer, or '' when no detector fires."""
    global _DEPTH
    if _DEPTH > 3:
        return ""
    _DEPTH += 1
    try:
        for detect in (objects.returned_none, objects.wrong_type, objects.aliased):
            text = detect(got, expected)
            if text:
                return text
        if objects.same_value(got, expected):
            return ""
        if _numeric(got) and _numeric(expected):
            from . import arrays  # numpy: only for numeric answers

            text = arrays.describe(got, expected) or _leaves(got, expected)
            if text:
                return text
        return sequences.describe_sequence(got, expected, describe) or sequences.describe_dict(
            got, expected, describe
        )
    except Exception:  # a diagnosis must never turn a failing check into a crash
        return ""
    finally:
        _DEPTH -= 1


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith((".", "?", "!")) else text + "."


def diagnose(call_text: str, got: Any, expected: Any = None, has_expected: bool = False) -> str:
    """The diagnosis sentence for a failing check ('' when nothing is known).

    `has_expected` says whether `expected` is a value to compare with (it may be None)."""
    try:
        known.record(call_text, got, expected, has_expected)
        names = known.lookup(call_text, got)
    except Exception:
        names = []
    if names:
        text = "Likely mistake: " + sentence(names[0])
        if len(names) > 1:
            text += " Or: " + sentence(names[1])
        return text
    found = describe(got, expected) if has_expected else objects.aliased(got)
    return "Diagnosis: " + sentence(found) if found else ""
