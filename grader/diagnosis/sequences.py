"""Detectors for lists, tuples, strings and dicts of any items: reversed, shifted by one, the
right items in the wrong order, one item missing or extra, cut short or running long, text that
differs only in case, spaces or a replacement character, a dict with one key missing or extra.
Items are compared as results (grader.diagnosis.outputs: floats by closeness). Each detector
returns a `Finding`: how the answer differs and, only on evidence (the rule of the package
docstring), a cause; or NOTHING."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import causes, objects
from .finding import NOTHING, Finding, found
from .outputs import Labels

Describe = Callable[[Any, Any], Finding]


def _unit(expected: Any) -> str:
    return "character" if isinstance(expected, str) else "item"


def _moves(e: list[str]) -> int:
    """Neighbouring positions that hold different items: where a shift by one shows."""
    return sum(x != y for x, y in zip(e, e[1:]))


def _order(g: list[str], e: list[str], unit: str) -> Finding:
    if len(g) != len(e) or len(e) < 2 or g == e:
        return NOTHING
    if len(e) == 2 and g == e[::-1]:
        return found(f"the two {unit}s are swapped", causes.SWAPPED, False)
    if g == e[::-1] and e != e[::-1]:
        return found(
            f"the expected {unit}s in reverse order",
            "check the direction of the sort, the loop or the slice",
            _moves(e) >= 2,
        )
    if len(e) >= 3 and len(set(e)) > 1:
        why = "an index that is off by one"
        if g[1:] == e[:-1]:
            return found(
                f"every {unit} sits one position later than expected", why, _moves(e[:-1]) >= 2
            )
        if g[:-1] == e[1:]:
            return found(
                f"every {unit} sits one position earlier than expected", why, _moves(e[1:]) >= 2
            )
    if sorted(g) == sorted(e):
        diff = [i for i, (a, b) in enumerate(zip(g, e)) if a != b]
        if len(diff) == 2:
            return found(
                f"the right {unit}s, but those at positions {diff[0]} and {diff[1]} are swapped",
                causes.SWAPPED,
                False,
            )
        return found(f"the right {unit}s in the wrong order", causes.REORDERED, False)
    return NOTHING


def _length(g: list[str], e: list[str], unit: str, expected: Any, got: Any) -> Finding:
    n, m = len(g), len(e)
    if n == m - 1:
        for i in range(m):
            if g == e[:i] + e[i + 1 :]:
                where = {0: f"the first {unit}", m - 1: f"the last {unit}"}.get(
                    i, f"the {unit} at index {i}"
                )
                item = repr(expected[i]) if len(repr(expected[i])) <= 40 else ""
                how = f"one {unit} is missing: {where}" + (f", {item}" if item else "")
                return found(how, causes.MISSING[causes.edge(i, m)], False)
    if n == m + 1:
        for i in range(n):
            if g[:i] + g[i + 1 :] == e:
                where = {0: "at the start", n - 1: "at the end"}.get(i, f"at index {i}")
                item = repr(got[i]) if len(repr(got[i])) <= 40 else ""
                how = f"one {unit} too many, {where}" + (f": {item}" if item else "")
                return found(how, causes.EXTRA[causes.edge(i, n)], False)
    if 0 < n < m:
        if g == e[:n]:
            return found(
                f"only the first {n} of the {m} expected {unit}s",
                "something stops too early",
                n >= 2,
            )
        if g == e[m - n :]:
            return found(f"only the last {n} of the {m} expected {unit}s", causes.ONLY_LAST, False)
    if n > m > 0:
        if g[:m] == e:
            return found(
                f"the {m} expected {unit}s followed by {n - m} more",
                "a stopping rule or a limit is missing",
                m >= 2,
            )
        if g[n - m :] == e:
            return found(
                f"the {m} expected {unit}s preceded by {n - m} more", causes.PRECEDED, False
            )
    return NOTHING


def _split_characters(got: str, expected: str) -> bool:
    """`got` is `expected` with one or more of its characters of two to four UTF-8 bytes
    each replaced by one to four U+FFFD, and nothing else changed."""
    import re

    if len(expected) > 2000 or all(ord(c) < 128 for c in expected):
        return False
    pattern = "".join(
        re.escape(c) if ord(c) < 128 else f"(?:{re.escape(c)}|\ufffd{{1,4}})" for c in expected
    )
    return re.fullmatch(pattern, got) is not None


def _text(got: str, expected: str) -> Finding:
    if got.lower() == expected.lower():
        return found("the right letters with different capitals", causes.CAPITALS, False)
    try:
        mojibake = expected.encode("utf-8").decode("latin-1")
    except UnicodeError:
        mojibake = expected
    if got == mojibake != expected:
        return Finding(
            "that is the UTF-8 bytes read as Latin-1 (mojibake such as 'Ã©' for 'é')",
            "decode the bytes as UTF-8",
        )
    if "\ufffd" in got and "\ufffd" not in expected:
        if _split_characters(got, expected):
            return found(
                "characters of more than one byte are replaced by U+FFFD (�), and every other "
                "character is right",
                causes.PIECEWISE,
                False,
            )
        return Finding("U+FFFD (�) appears where the expected text is intact")
    if "\ufffd" in expected and "\ufffd" not in got and len(got) < len(expected):
        return Finding("the U+FFFD (�) characters of the expected text are missing")
    if got.split() == expected.split() or got.replace(" ", "") == expected.replace(" ", ""):
        return found(
            "the right text apart from spaces (a space missing, extra or moved)",
            causes.SPACES,
            False,
        )
    return NOTHING


_KINDS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("punctuation", lambda t: bool(t) and not any(c.isalnum() or c.isspace() for c in t)),
    ("whitespace", lambda t: bool(t) and t.isspace()),
    ("number", lambda t: t.isdigit()),
)


def _dropped_kind(got: Any, expected: Any) -> Finding:
    """Every piece of one kind, punctuation, whitespace or numbers, is missing and nothing else
    differs: the items of a list of texts, or the characters of a text. The pieces left are
    not all of that kind. The cause waits for a probe, where the same kind is missing."""
    if isinstance(got, str) and isinstance(expected, str):
        g, e, unit = list(got), list(expected), "character"
    elif (
        isinstance(got, (list, tuple))
        and isinstance(expected, (list, tuple))
        and all(type(x) is str for x in [*got, *expected])
    ):
        g, e, unit = list(got), list(expected), "item"
    else:
        return NOTHING
    if len(g) >= len(e) or not g:
        return NOTHING
    for kind, test in _KINDS:
        if g == [x for x in e if not test(x)] and not all(test(x) for x in g):
            missing = [x for x in e if test(x)]
            shown = ", ".join(repr(x) for x in missing[:3]) + (", ..." if len(missing) > 3 else "")
            how = f"every {kind} {unit} is missing ({shown})"
            return found(how, causes.DROPPED[kind], False)
    return NOTHING


def _pieces(got: list[Any], expected: list[Any]) -> Finding:
    """Lists of str or bytes that join to the same text but are cut differently."""
    kinds = {type(x) for x in got} | {type(x) for x in expected}
    if kinds <= {str} or kinds <= {bytes}:
        sep: Any = "" if kinds <= {str} else b""
        if sep.join(got) == sep.join(expected):
            return Finding(
                f"the same text cut into different pieces ({len(got)} pieces, expected "
                f"{len(expected)})"
            )
    return NOTHING


def _items(got: list[Any], expected: list[Any], describe: Describe, unit: str) -> Finding:
    """Same length, some items differ: describe them when they differ the same way."""
    if len(got) != len(expected):
        return NOTHING
    labels = Labels()
    ga, ea = labels.of(got), labels.of(expected)
    if ga is None or ea is None:
        return NOTHING
    diff = [i for i, (a, b) in enumerate(zip(ga, ea)) if a != b]
    if not diff or len(diff) > 8:
        return NOTHING
    findings = {describe(got[i], expected[i]) for i in diff}
    if len(findings) == 1 and NOTHING not in findings:
        where = f"{unit} {diff[0]}" if len(diff) == 1 else f"{unit}s {', '.join(map(str, diff))}"
        return findings.pop().within(f"in {where}")
    return NOTHING


def _inner(x: Any) -> bool:
    return isinstance(x, (list, tuple))


def _flatten_once(items: Any) -> list[Any]:
    out: list[Any] = []
    for v in items:
        out.extend(v) if _inner(v) else out.append(v)
    return out


def nesting(got: Any, expected: Any) -> Finding:
    """The right items, one level of lists too many or too few: `[[97, 264]]` for `[97, 264]`
    (a list appended whole), or `[97, 264]` for `[[97], [264]]`. The cause waits for a probe."""
    if not (isinstance(got, list) and isinstance(expected, list)):
        return NOTHING
    g_inner, e_inner = [v for v in got if _inner(v)], [v for v in expected if _inner(v)]
    try:
        if g_inner and not e_inner and objects.same_value(_flatten_once(got), expected):
            many = "one inner list" if len(g_inner) == 1 else f"{len(g_inner)} inner lists"
            return found(f"the right items, but inside {many}", causes.NESTED, False)
        if e_inner and not g_inner and objects.same_value(got, _flatten_once(expected)):
            return found(
                "the right items, but not grouped into inner lists", causes.FLATTENED, False
            )
    except Exception:  # noqa: BLE001 - items that cannot be compared: no finding
        return NOTHING
    return NOTHING


def describe_sequence(got: Any, expected: Any, describe: Describe) -> Finding:
    if isinstance(expected, str) and isinstance(got, str):
        text = _text(got, expected)
        if text:
            return text
    if not (
        isinstance(expected, (list, tuple, str)) and isinstance(got, (list, tuple, str))
    ) or isinstance(got, str) != isinstance(expected, str):
        return NOTHING
    labels = Labels()
    g, e = labels.of(got), labels.of(expected)
    if g is None or e is None:
        return NOTHING
    unit = _unit(expected)
    for finding in (
        _order(g, e, unit),
        _dropped_kind(got, expected),
        _length(g, e, unit, expected, got),
        NOTHING if isinstance(got, str) else granularity(list(got), list(expected)),
        NOTHING if isinstance(got, str) else _pieces(list(got), list(expected)),
        NOTHING if isinstance(got, str) else _items(list(got), list(expected), describe, unit),
    ):
        if finding:
            return finding
    return NOTHING


def granularity(got: list[Any], expected: list[Any]) -> Finding:
    """Text cut at another size than the task's: pieces of several characters (words, runs)
    where single characters are expected, or single characters where longer pieces are. Only
    when every piece is text and the characters are the expected ones."""
    if not got or not expected or not all(isinstance(x, str) and x for x in got + expected):
        return NOTHING
    chars = {c for x in expected for c in x}
    if not {c for x in got for c in x} <= chars:
        return NOTHING
    longer = [x for x in got if len(x) > 1]
    if all(len(x) == 1 for x in expected) and longer:
        return Finding(
            f"pieces of several characters ({longer[0]!r}) where single characters are "
            "expected: the text is cut into words, runs or tokens, not into characters"
        )
    if all(len(x) == 1 for x in got) and any(len(x) > 1 for x in expected):
        return Finding(
            "single characters where longer pieces (words or tokens) are expected: the text is "
            "cut into characters"
        )
    return NOTHING


def _ids(values: list[Any]) -> bool:
    return all(type(v) is int for v in values) and len(set(values)) == len(values)


def _renumbered(got: dict[Any, Any], expected: dict[Any, Any], missing: list[Any]) -> Finding:
    """A vocabulary (keys to distinct whole-number ids) with keys missing, and the others in
    the expected order, their ids closed up over the gap: the missing keys are the mistake, not
    the ids. When every missing key is text whose other-case form is kept, capitals were lost
    (the cause waits for a probe); otherwise no cause is named."""
    if not (_ids(list(got.values())) and _ids(list(expected.values()))):
        return NOTHING
    kept = [k for k in sorted(expected, key=expected.__getitem__) if k in got]
    if kept != sorted(got, key=got.__getitem__):
        return NOTHING
    names = ", ".join(repr(k) for k in missing[:3]) + (", ..." if len(missing) > 3 else "")
    what = f"the key {names} is" if len(missing) == 1 else f"{len(missing)} keys ({names}) are"
    how = f"{what} missing, and the other keys keep their order with their ids closed up"
    if all(
        isinstance(k, str) and k.swapcase() != k and (k.lower() in got or k.upper() in got)
        for k in missing
    ):
        return found(how, causes.CAPITALS_LOST, False)
    # one key missing is many mistakes here (a kind of character dropped, the first or the last
    # one skipped, a filter): how it differs, no cause
    return Finding(how)


def describe_dict(got: Any, expected: Any, describe: Describe) -> Finding:
    if not (isinstance(got, dict) and isinstance(expected, dict)):
        return NOTHING
    gk, ek = set(got), set(expected)
    missing, extra = [k for k in expected if k not in gk], [k for k in got if k not in ek]
    shared = [k for k in expected if k in gk]
    labels = Labels()
    same = all(labels.of([got[k]]) == labels.of([expected[k]]) for k in shared)
    if same and len(missing) == 1 and not extra:
        return found(
            f"the key {missing[0]!r} is missing (the other entries are right)",
            causes.KEY_MISSING,
            False,
        )
    if same and len(extra) == 1 and not missing:
        return found(
            f"an extra key {extra[0]!r} (the other entries are right)", causes.KEY_EXTRA, False
        )
    if missing and not extra:
        return _renumbered(got, expected, missing)
    if missing and extra:
        cut = granularity(list(got), list(expected))
        if cut:
            return cut.within("in the keys")
    if missing or extra:
        return NOTHING
    diff = [k for k in expected if labels.of([got[k]]) != labels.of([expected[k]])]
    if len(diff) == 1:
        return describe(got[diff[0]], expected[diff[0]]).within(f"for the key {diff[0]!r}")
    values_g, values_e = [got[k] for k in expected], [expected[k] for k in expected]
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values_g + values_e):
        finding = describe(values_g, values_e)
        if finding:
            return finding.within("taking the values in key order")
    if sorted(labels.of(values_g) or []) == sorted(labels.of(values_e) or []) and len(diff) >= 2:
        return found("the right values under the wrong keys", causes.WRONG_KEYS, False)
    return NOTHING
