"""How the kit shows a learner's value in a message: compact, one line, numpy scalars as the
plain Python numbers they hold. Shared by the test helpers and the diagnosis."""

from __future__ import annotations

import re
import reprlib
import sys
from typing import Any

_MAX = 160


def short(value: Any, limit: int = _MAX) -> str:
    """A compact repr: small arrays in full, large ones by shape (and dtype, unless a float
    one), long text cut, and numpy scalars as the plain Python numbers they hold (`0.88`, not
    `np.float64(0.88)`).

    A float array's precision is never shown: it is the lesson's contract (chapter 3 stays in
    float32), and an expected value computed by an oracle in float64 must not read as
    "expected ..., dtype=float64" to a learner told to stay in float32. A check for which the
    dtype matters says so itself. Other dtypes (ids in int64, a bool mask) are shown."""
    np_mod = sys.modules.get("numpy")
    if np_mod is not None and isinstance(value, np_mod.ndarray):
        if value.size <= 12:
            text = np_mod.array2string(value, precision=4, separator=", ", threshold=12)
            return "array(" + re.sub(r"\n\s*", " ", text) + ")"  # one line, also in 2-D
        dtype = "" if value.dtype.kind == "f" else f", dtype={value.dtype}"
        return f"array(shape={value.shape}{dtype})"
    if type(value) in (list, tuple) and len(value) > _PLAIN.maxlist:
        head = plain(value[: limit // 4])[1:-1][: limit - 40]
        head = head[: head.rfind(",")] if "," in head else head
        ends = "[]" if type(value) is list else "()"
        return f"{ends[0]}{head}, ... ({len(value)} items){ends[1]}"
    text = plain(value)
    if len(text) > limit:
        text = text[: limit - 15] + " ... " + text[-10:]
    return text


def plain(value: Any) -> str:
    """repr(value) with numpy scalars, also inside lists, tuples and dicts, shown as plain Python
    values. A huge container is shown by its first items, never formatted in full."""
    return _PLAIN.repr(value)


class _PlainRepr(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 6
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = 400
        self.maxdict = 200
        self.maxstring = self.maxother = self.maxlong = 100_000

    def repr1(self, x: Any, level: int) -> str:
        np_mod = sys.modules.get("numpy")
        if np_mod is not None:
            if isinstance(x, np_mod.generic):
                x = x.item()
            elif isinstance(x, np_mod.ndarray):
                return short(x)
        if type(x) in (int, float, complex, str, bytes, bool) or x is None:
            return repr(x)
        if isinstance(x, (list, tuple, dict, set, frozenset)) and type(x) not in (
            list,
            tuple,
            dict,
            set,
            frozenset,
        ):
            return repr(x)  # a subclass (a namedtuple, a Counter) keeps its own repr
        return super().repr1(x, level)

    def repr_dict(self, x: dict[Any, Any], level: int) -> str:
        """As repr does: keys in insertion order (reprlib's own sorts them)."""
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [
            f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
            for k, v in list(x.items())[: self.maxdict]
        ]
        more = ", ..." if len(x) > self.maxdict else ""
        return "{" + ", ".join(items) + more + "}"


_PLAIN = _PlainRepr()
