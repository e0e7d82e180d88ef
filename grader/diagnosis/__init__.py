"""Diagnosis of a wrong answer, for the failure messages of `grader.testing`.

Two mechanisms, tried in this order when a check fails:

1. the differential diagnosis (`known`): the answer is compared, by closeness
   (`outputs.close`), with the results that the kit's misconception bank (and the generated
   variants of the reference) return on the same visible check; the learner's function then
   runs on the inputs of the lesson's other checks (`probes`), which rule out the candidates it
   disagrees with and confirm those it agrees with; a candidate left names that mistake in its
   own words ("Likely mistake: ...");
2. generic detectors that read how the wrong answer differs from the expected value: wrong type
   (`objects`), numeric transforms such as transposed, reversed, shifted, scaled, normalised
   along the wrong axis (`arrays`), and list, text and dict changes such as the wrong order or
   one item missing (`sequences`). Each returns a `Finding`: how it differs, and a cause only
   on evidence.

The evidence rule (a wrong name costs a learner more than no name):

- A result with no finite number in it (inf, nan) names no bank entry: overflows and logs of
  zero end there from many different mistakes (`known.lookup`); nor does a result of at most
  one id (`one_id`: an empty list, one id, a bool), which many mistakes share.

- An *observation* (what the numbers show: "every value is 2 times the expected one", "the
  two values are swapped") is given whenever it is exactly true, and is labelled
  "How it differs: ...", so that it never reads as a cause. The observations of order,
  length, text, keys and shape (two values swapped, one item missing at the start, the right
  letters in other capitals...) carry the cause they wait for (`causes`), which is shown only
  when the learner's function does the same on a probe and nothing else on any other
  (`probes.holds_elsewhere`), never on one answer alone.
- A *cause* ("Diagnosis: ...: a factor of 2 is missing") is attached only when the relation is
  confirmed on more than one independent value, or on a second input (the learner's function
  run on a probe shows the same cause there, and no other difference on any other probe:
  `probes.holds_elsewhere`), and no other detector's cause fits the answer equally well (then
  only the observation is given):
  - a ratio, an offset, a sign flip or a simple function (1 - x, 1 / x, x squared, exp, log)
    needs at least two differing, non-zero expected values that are not all equal, and, in an
    array with rows (a token's vector, a position's logits), in at least two rows: the values
    of one row come out of one computation, so they are one piece of evidence;
  - a shift or a reversal needs at least two positions whose neighbours differ;
  - integer truncation needs at least two differing values, every one the floor (or the
    truncation) of the expected one, and an expected value that is not whole;
  - one more or one less needs at least two values moved, whose expected values are not all
    equal; a single number (a scalar result) never gets an arithmetic cause, only the
    observation;
  - the type detectors (`objects`: the value is right, its type or identity is not) are exact,
    and keep their cause.
- *Ids are not quantities.* When the expected value is integers (Python ints, an integer
  array, nested lists or dict values of ints), it is read as token ids, indices or class labels,
  and no arithmetic is read into it: no ratio, offset, "one more", sign, sum or whole-number
  observation, let alone a cause. Order, length and type observations still apply. The
  exception is a check of a count-like function, whose integers are quantities: a name in
  `QUANTITY_FUNCTIONS`, or one that starts with `count_`, or ends with `_count`, `_counts`,
  `_length`, `_lengths`, `_bytes`, `_cost` or `_size` (read from the check's call text).

This package is imported on the first failing check, never by a passing run.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from . import causes, known, objects, probes, sequences
from .finding import NOTHING, Finding

_DEPTH = 0

# Functions whose integer results are counts or sizes (quantities), not ids: see the docstring.
QUANTITY_FUNCTIONS = frozenset({"len", "__len__", "count_tokens", "count_pairs", "reversal_cost"})
_QUANTITY_NAME = re.compile(r"^count_|_(count|counts|length|lengths|bytes|cost|size)$")


def quantity_call(call_text: str) -> bool:
    """The check calls a count-like function, whose integer results are quantities."""
    name = probes.function_name(call_text)
    return bool(name) and (name in QUANTITY_FUNCTIONS or bool(_QUANTITY_NAME.search(name)))


def _integers(x: Any) -> bool:
    """Whole numbers by type: an int (not a bool), an integer numpy scalar or array, or
    (nested) lists, tuples and dict values of those."""
    np = sys.modules.get("numpy")
    if isinstance(x, bool) or (np is not None and isinstance(x, np.bool_)):
        return False
    if isinstance(x, int):
        return True
    if np is not None and isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "iu"
    if isinstance(x, dict):
        return bool(x) and all(_integers(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return bool(x) and all(_integers(v) for v in x)
    return False


def is_ids(expected: Any, quantity: bool | None = None) -> bool:
    """Whether the expected value is ids (names, not quantities): integers, unless `quantity`
    says the check's function is count-like (True) or the caller knows it is ids (False)."""
    if quantity is not None:
        return not quantity
    return _integers(expected)


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


def _leaves(got: Any, expected: Any, ids: bool) -> Finding:
    """Nested lists of numbers with the same nesting (merges, pairs): read the numbers."""
    from . import arrays

    g: list[Any] = []
    e: list[Any] = []
    if _flat(got, g) != _flat(expected, e) or len(e) < 2:
        return NOTHING
    if not all(_numeric(v) and not isinstance(v, (list, tuple)) for v in g + e):
        return NOTHING
    return arrays.describe_flat(g, e, ids=ids)


def finding(got: Any, expected: Any, quantity: bool | None = None) -> Finding:
    """How a wrong answer differs from the expected value (and why, on evidence), or NOTHING.
    `quantity`: True when the check's integers are counts, None to decide by the value."""
    global _DEPTH
    if _DEPTH > 3:
        return NOTHING
    _DEPTH += 1
    try:
        for detect in (objects.returned_none, objects.wrong_type, objects.aliased):
            found = detect(got, expected)
            if found:
                return found
        if objects.same_value(got, expected):
            return NOTHING
        nested = sequences.nesting(got, expected)
        if nested:
            return nested
        ids = is_ids(expected, quantity)
        if _numeric(got) and _numeric(expected):
            from . import arrays  # numpy: only for numeric answers

            found = arrays.describe(got, expected, ids=ids) or _leaves(got, expected, ids)
            if found:
                return found

        def inner(g: Any, e: Any) -> Finding:
            return finding(g, e, quantity)

        return sequences.describe_sequence(got, expected, inner) or sequences.describe_dict(
            got, expected, inner
        )
    except Exception:  # a diagnosis must never turn a failing check into a crash
        return NOTHING
    finally:
        _DEPTH -= 1


def describe(got: Any, expected: Any, quantity: bool | None = None) -> str:
    """One clause on how a wrong answer differs (with its cause when there is evidence for one),
    or '' when no detector fires."""
    return finding(got, expected, quantity).text()


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    return text if text.endswith((".", "?", "!")) else text + "."


def message(found: Finding) -> str:
    """The diagnosis part of a message: 'Diagnosis: how: why.' when there is a cause, else
    'How it differs: how.' (an observation, which names no cause); '' for nothing."""
    if not found:
        return ""
    if found.why:
        return "Diagnosis: " + sentence(found.text())
    return "How it differs: " + sentence(found.how)


def one_id(call_text: str, got: Any) -> bool:
    """At most one id: an empty list, one id (alone or in a list), a bool, from a function
    that does not count. Many different mistakes return the same one id, so an equal result of
    a bank entry there is no evidence for that entry's mistake (a count, a quantity, is)."""
    if isinstance(got, (list, tuple)):
        if len(got) > 1 or not all(isinstance(v, int) for v in got):
            return False
    elif not isinstance(got, int):  # bools are ints
        return False
    return isinstance(got, bool) or not quantity_call(call_text)


def diagnose(call_text: str, got: Any, expected: Any = None, has_expected: bool = False) -> str:
    """The diagnosis sentence for a failing check ('' when nothing is known).

    `has_expected` says whether `expected` is a value to compare with (it may be None)."""
    note = ""
    try:
        known.record(call_text, got, expected, has_expected)
        names = [] if one_id(call_text, got) else known.lookup(call_text, got)
        if not names and not one_id(call_text, got):
            names = known.lookup_variants(call_text, got, quantity_call(call_text))
            note = " " + known.VARIANT_NOTE if names else ""
    except Exception:
        names = []
    if names:
        text = "Likely mistake: " + sentence(names[0])
        if len(names) > 1:
            text += " Or: " + sentence(names[1])
        return text + note
    if has_expected:
        quantity = True if quantity_call(call_text) else None
        found = finding(got, expected, quantity)
        if found and not found.why and found.would and _elsewhere(call_text, found, quantity):
            return message(found.confirmed()) + " " + ELSEWHERE
        if not found:
            found = unchanged(call_text, got, expected)
            index = _returned_argument(call_text, got, expected)
            if found and index is not None and _returns_argument_elsewhere(call_text, index):
                return message(Finding(found.how, causes.UNCHANGED)) + " " + ELSEWHERE
    else:
        found = objects.aliased(got)
    return message(found)


_ORDINALS = ("first", "second", "third", "fourth", "fifth")


def unchanged(call_text: str, got: Any, expected: Any) -> Finding:
    """An answer that is one of the call's own arguments (an observation: many mistakes do
    nothing). The very object passed in may have been changed in place before the check showed
    it, so for it the sentence says only that it came back; an equal new object is the input
    as it came in."""
    args = current_call(call_text)
    for i, arg in enumerate(args[: len(_ORDINALS)]):
        try:
            if not objects.same_value(got, arg) or objects.same_value(arg, expected):
                continue
        except Exception:  # noqa: BLE001 - values that cannot be compared: no finding
            continue
        which = f"the {_ORDINALS[i]} argument"
        if got is arg:
            return Finding(f"that is {which} itself: the function returned what it was given")
        return Finding(f"that equals {which}: the function returned its input as it came")
    return NOTHING


def _returned_argument(call_text: str, got: Any, expected: Any) -> int | None:
    """Which argument the answer is an equal new copy of (not the very object: that one may
    have been changed in place), when the expected answer is not that argument."""
    args = current_call(call_text)
    for i, arg in enumerate(args[: len(_ORDINALS)]):
        try:
            if not objects.same_value(got, arg) or objects.same_value(arg, expected):
                continue
        except Exception:  # noqa: BLE001 - values that cannot be compared: none
            continue
        return None if got is arg else i
    return None


def _returns_argument_elsewhere(call_text: str, index: int) -> bool:
    """The learner's function returns that argument as it came on the probes too."""
    from .outputs import call_key

    try:
        calls: dict[str, Any] = {}
        for data in (known.load(str(known.variants_path())), known.load()):
            calls.update(data.get("calls", {}))
        return probes.returns_argument_elsewhere(call_text, call_key(call_text), calls, index)
    except Exception:  # noqa: BLE001 - a diagnosis never turns a failing check into a crash
        return False


def current_call(call_text: str) -> tuple[Any, ...]:
    """The positional arguments of the check whose text this is (grader.testing.call)."""
    from .. import current

    seen = current.calls.get(call_text)
    return tuple(seen[1]) if seen else ()


ELSEWHERE = "Your function does the same on another input of this lesson's checks."


def _elsewhere(call_text: str, found: Finding, quantity: bool | None) -> bool:
    """The cause that `found` waits for shows on the probes too (probes.holds_elsewhere)."""
    from .outputs import call_key

    try:
        calls: dict[str, Any] = {}
        for data in (known.load(str(known.variants_path())), known.load()):
            calls.update(data.get("calls", {}))
        return probes.holds_elsewhere(
            call_text,
            call_key(call_text),
            calls,
            lambda g, e: finding(g, e, quantity),
            found.would,
        )
    except Exception:  # noqa: BLE001 - a diagnosis never turns a failing check into a crash
        return False
