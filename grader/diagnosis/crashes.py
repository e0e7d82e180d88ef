"""What a learner's exception means, when its own text says: the cause of a crash.

A crash already shows the call, the exception in one line and the learner's line that raised
it (grader.learner.plugin.failure_message). Some exceptions name their mechanism exactly: numpy
says which two shapes would not broadcast, Python says that a list cannot be a dict key or that
a 0-d array has no length. For those, the usual mistake behind the mechanism is one short
sentence, and it needs no probe: the exception is the evidence, on the learner's own input.

`cause(kind, detail, line)` gives that sentence, or '' when the exception does not single one
out (a bare "list index out of range" could be any of many mistakes, so it gets none, and the
learner's own `raise` gets only a note, `own_raise`: which part of its condition is wrong, the
exception cannot say). Only the
exception's type and first line and the learner's source line are read; the sentence repeats
nothing of them but numbers (shapes, sizes), so it is inert wherever it is shown."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..boundary import KEY_TYPES
from ..boundary import edge as edge
from ..boundary import explain as explain

_SHAPE = r"\(([\d, ]*)\)"


def _dims(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.replace(" ", "").split(",") if p)


def _broadcast(detail: str, line: str) -> str:
    """Two shapes that do not broadcast. A 2-D array and a 1-D one as long as its rows: an
    axis reduced without keepdims, which then lines up with the columns."""
    m = re.search(rf"broadcast together with shapes {_SHAPE} {_SHAPE}", detail)
    if not m:
        return ""
    a, b = _dims(m.group(1)), _dims(m.group(2))
    for big, small in ((a, b), (b, a)):
        if len(big) >= 2 and len(small) == len(big) - 1 and small[-1] == big[-2] != big[-1]:
            return (
                f"an array of shape {small} meets one of shape {big}: a sum, mean, max or norm "
                "over the last axis lost that axis, so its values line up with the columns "
                "instead of the rows (keep it with keepdims=True, or index with [..., None])"
            )
    return ""


def own_raise(kind: str, line: str, inner: str = "", outer: str = "") -> str:
    """A note, not a cause, when the learner's own `raise` of this very exception ran: their
    check fired on an input that the task accepts (a check that expects the exception passes,
    and never gets here). Which part of its condition is wrong, it cannot say. When the check
    is in another function of theirs (`inner`) than the one the test called (`outer`), the
    input it refused came from `outer`, which may be the one at fault."""
    if not re.match(rf"raise\s+{re.escape(kind)}\b", line.strip()):
        return ""
    if inner and outer and inner != outer:
        return (
            f"That is your own check in `{inner}`, reached from `{outer}`: either that check "
            f"refuses an input it should accept, or `{outer}` gives `{inner}` an input it "
            f"should not (look at what `{outer}` passes it)."
        )
    return (
        "That is your own check: its condition holds for this input, which the task accepts "
        "(look at the condition just before this `raise`)."
    )


def _index_past_end(detail: str, line: str) -> str:
    m = re.search(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", detail)
    if not m or int(m.group(1)) != int(m.group(3)):
        return ""
    return (
        "an index one past the end (index n of n items, which run from 0 to n - 1): a loop or "
        "a position that goes one step too far, or positions counted from 1"
    )


_FLOAT_INDEX = re.compile(
    r"'(float|numpy\.float\d*)' object cannot be interpreted as an integer|slice indices must "
    r"be integers or None|list indices must be integers or slices, not float|expected a "
    r"sequence of integers or a single integer, got '[-\d.e]+'|only integers, slices \(`:`\)"
)
_AXES = re.compile(r"axis (-?\d+) is out of bounds for array of dimension (\d+)")


def _float_index(detail: str, line: str) -> str:
    if not _FLOAT_INDEX.match(detail):
        return ""
    return (
        "a float is used where a whole number is wanted (a size, an index, a range): `/` "
        "always gives a float, even 4 / 2; use `//`, or int() where a float is meant"
    )


def _axes(detail: str, line: str) -> str:
    m = _AXES.match(detail)
    if not m:
        return ""
    return (
        f"the array has {m.group(2)} axis{'' if m.group(2) == '1' else 'es'}, fewer than the "
        "code assumes (one vector where rows were expected, say): axis=-1 names the last axis "
        "whatever their number"
    )


def _too_many_indices(detail: str, line: str) -> str:
    if not re.match(r"too many indices for array: array is (\d+)-dimensional", detail):
        return ""
    return (
        "an array is indexed with more axes than it has (x[:, i] on one vector, say): "
        "x[..., i] indexes the last axis whatever their number"
    )


def _unpacked_shape(detail: str, line: str) -> str:
    """`H, T, hd = q.shape` on an array of another number of axes (the line unpacks a shape)."""
    m = re.match(
        r"(not enough|too many) values to unpack \(expected (\d+)(?:, got (\d+))?\)", detail
    )
    if not m or not re.search(r"=\s*[\w.\[\]'\"]+\.shape\s*$", line):
        return ""
    fewer = m.group(1) == "not enough"
    return (
        f"the array has {'fewer' if fewer else 'more'} axes than the {m.group(2)} names its "
        "shape is unpacked into: "
        + (
            "one matrix where a batch of them (or one vector where rows) was expected"
            if fewer
            else "a batch where one item was expected"
        )
        + "; read the sizes you need with x.shape[-1], x.shape[-2]"
    )


def _zero_division(detail: str, line: str) -> str:
    if not re.match(r"(float )?division by zero|integer (division or )?modulo by zero", detail):
        return ""
    return (
        "a count or a total that is 0 for this input is divided by: when the input is empty "
        "or has nothing to count, that case needs its own branch; otherwise the count is wrong"
    )


RULES: dict[str, list[Callable[[str, str], str]]] = {
    "ValueError": [
        _axes,  # numpy's AxisError, a ValueError and an IndexError, as a grading worker names it
        _unpacked_shape,
        lambda d, _: (
            "bytes() got a number outside 0 to 255: a token id is used as a byte (merged tokens "
            "have ids of 256 and up); a token's bytes come from the bytes of its parts "
            "(vocab[a] + vocab[b])"
            if d.startswith("bytes must be in range(0, 256)")
            else ""
        ),
        _broadcast,  # a matmul's inner sizes that differ get no cause: a .T too many or too
        # few, the wrong matrix, or an operand built along the wrong axis, alike
        lambda d, _: (
            "min() or max() got an empty sequence: the case with nothing left to choose from "
            "(an input too short, or everything already merged or filtered out) needs its own "
            "branch before the call"
            if re.search(r"(min|max)\(\) (arg is an empty sequence|iterable argument is empty)", d)
            else ""
        ),
    ],
    "TypeError": [
        _float_index,
        lambda d, _: (
            "a Python list is indexed by several ids at once, which only a numpy array can "
            "take: convert it with np.asarray first (a list takes one whole number or a slice)"
            if re.match(
                r"only integer scalar arrays can be converted to a scalar index|list indices "
                r"must be integers or slices, not (list|tuple|numpy\.ndarray)",
                d,
            )
            else ""
        ),
        lambda d, _: (
            "len() of a 0-d array: np.array(x) of one number has no length; make it a "
            "sequence (np.array([x])) where a sequence is wanted"
            if "len() of unsized object" in d
            else ""
        ),
        lambda d, _: (
            "a list is used as a dict key or in a set, which needs a hashable value: use a tuple "
            "(tuple(pair))"
            if "unhashable type: 'list'" in d
            else ""
        ),
        lambda d, _: (
            "a Python list is used as if it were a numpy array (arithmetic on a list repeats or "
            "joins it): convert it with np.asarray first"
            if re.search(
                r"can't multiply sequence by non-int|unsupported operand type\(s\) "
                r"for [-/*@]+: 'list'",
                d,
            )
            else ""
        ),
        lambda d, _: (
            "a value is None: a function returned nothing (a missing `return`, or the result of "
            "a method that works in place, such as list.sort() or list.append())"
            if re.match(r"'NoneType' object is not (subscriptable|iterable)", d)
            else ""
        ),
    ],
    "AttributeError": [
        lambda d, _: (
            "a Python list where a numpy array is expected: convert it with np.asarray first"
            if re.match(r"'list' object has no attribute '(shape|T|reshape|astype|ndim|dtype)'", d)
            else ""
        ),
        lambda d, _: (
            "a value is None: a function returned nothing (a missing `return`, or the result of "
            "a method that works in place, such as list.sort())"
            if d.startswith("'NoneType' object has no attribute")
            else ""
        ),
    ],
    "IndexError": [_index_past_end, _float_index, _too_many_indices, _axes],
    "AxisError": [_axes],
    "ZeroDivisionError": [_zero_division],
    "UnicodeDecodeError": [
        lambda d, _: (
            "bytes that are not whole UTF-8 are decoded strictly: decode with errors='replace' "
            "(after joining all the bytes: a character can be split across tokens)"
            if "can't decode byte" in d
            else ""
        )
    ],
}


def cause(kind: str, detail: str, line: str = "") -> str:
    """The usual mistake behind an exception of type `kind` (its name) whose first line is
    `detail`, raised at source `line`; '' when the exception does not say."""
    if own_raise(kind, line):
        return ""
    for rule in RULES.get(kind, []):
        try:
            text = rule(detail, line.strip())
        except (ValueError, IndexError):  # an unexpected detail: no cause
            text = ""
        if text:
            return text
    return ""


def line_of(where: str) -> str:
    """The source line that a crash report's `where` quotes (`... line 3: \\`x = y\\``)."""
    m = re.search(r": `(.*)`\)?\s*$", where)
    return m.group(1) if m else ""


def edge_text(op: str, value: int) -> str:
    """The sentence for `explain`'s answer: only an operator of four, or `[]` (an index one
    past the end), and a whole number."""
    if type(value) is not int:
        return ""
    if op.startswith("{"):
        return _key_text(op)
    m = re.fullmatch(r"\[>([A-Za-z_][A-Za-z0-9_]{0,30})\]", op)
    if m:
        return (
            f"the index, computed from the argument `{m.group(1)}`, falls outside the {value} "
            f"items it indexes: a `{m.group(1)}` beyond the number of items needs its own "
            f"case (clamp it with min({m.group(1)}, n), or check it first)"
        )
    if op == "[]":
        return (
            f"an off-by-one: index {value} of {value} items, which run from 0 to {value - 1} (a "
            "loop that runs once too often, or positions counted from 1)"
        )
    if op not in ("<", ">", "<=", ">="):
        return ""
    other = {">=": ">", "<=": "<", ">": ">=", "<": "<="}[op]
    return (
        f"your check decides at its edge: both sides of its `{op}` are {value}, and `{other}` "
        "would let this input through, which the task accepts (an off-by-one in the bound)"
    )


_KEY_HINTS = {
    ("int", "bytes"): " (iterating over bytes gives ints: bytes([b]) is the one-byte key)",
    ("str", "bytes"): " (text where bytes are wanted: encode it first)",
    ("bytes", "str"): " (bytes where text is wanted: decode them first)",
    ("str", "int"): " (a token's text where its id is wanted: look the id up first)",
    ("int", "str"): " (an id where a token's text is wanted: look the text up first)",
}


def _key_text(op: str) -> str:
    """A KeyError read on the learner's frame (grader.boundary.missing_key): the dict that
    lacks the key holds keys of its type ("{}"), of one other built-in type ("{A:B}"), or
    none ("{0}"). Only the two type names are repeated, from a fixed list."""
    if op == "{}":
        return (
            "the dict has no such key: an item that may be absent (an unknown word, a pair seen "
            "for the first time) needs its own case, `d.get(key, default)` or `if key in d`, "
            "unless the dict should hold it and was built without it"
        )
    if op == "{0}":
        return "the dict is empty when it is read: it is filled after this lookup, or never"
    m = re.fullmatch(r"\{(\w+):(\w+)\}", op)
    if not m or not set(m.groups()) <= set(KEY_TYPES):
        return ""
    mine, theirs = m.groups()
    return (
        f"the key is of type {mine}, but every key of the dict is of type {theirs}: build the "
        "key the way the dict's keys were built" + _KEY_HINTS.get((mine, theirs), "")
    )
