"""The test's own words for a call into the learner's code, for a crash report.

When the learner's function raises, the report shows the call. Its arguments' values read well
when they are small (`array([3, 1, 4])`, `256`), but a model's parameters, a config dict or a
cache object do not: a dict of arrays cut in the middle, or `<...l06_kv_cache.KVCache object at
0x7f...>`. The test that made the call names them (`P`, `CFG`, `cache`), and the learner can
read the test. So each argument is shown by its value when that is short and plain, and by the
test's expression for it otherwise: `forward_step(P, array([3, 1, 4, 1, 5]), cache, CFG)`.

The expression comes from the exact position of the call in the test's code (Python 3.11's
`co_positions`), never from a guess at the line: a line with two calls, or a call spread over
several lines, still gives the right one. Where that cannot be read (an older Python, a call
through `fn(*args)`, source not on disk), every argument is shown by its value, as before.
"""

from __future__ import annotations

import ast
import linecache
from types import TracebackType
from typing import Any

LONG = 30  # a value's text longer than this is shown by the test's expression, when it is a name
_NAMES = (ast.Name, ast.Attribute, ast.Subscript)


def argument_sources(tb: TracebackType) -> tuple[list[str], dict[str, str]] | None:
    """The source text of each argument of the call that `tb`'s frame was making: positional
    ones in order, keyword ones by name. None when it cannot be read exactly (a report never
    fails for want of it)."""
    try:
        return _argument_sources(tb)
    except Exception:  # noqa: BLE001 - e.g. a source line that does not parse as it should
        return None


def _argument_sources(tb: TracebackType) -> tuple[list[str], dict[str, str]] | None:
    code = tb.tb_frame.f_code
    positions = getattr(code, "co_positions", None)
    if positions is None or tb.tb_lasti < 0:
        return None
    try:
        start, end, col, end_col = list(positions())[tb.tb_lasti // 2]
    except (IndexError, ValueError):
        return None
    if start is None or end is None or col is None or end_col is None:
        return None
    lines = [linecache.getline(code.co_filename, n) for n in range(start, end + 1)]
    if not all(lines):
        return None
    lines[-1] = lines[-1].encode("utf-8")[:end_col].decode("utf-8", "replace")
    lines[0] = lines[0].encode("utf-8")[col:].decode("utf-8", "replace")
    segment = "".join(lines)
    try:
        node = ast.parse(segment.strip(), mode="eval").body
    except SyntaxError:
        try:  # a call spread over lines: as an expression in parentheses
            node = ast.parse(f"({segment.strip()})", mode="eval").body
        except SyntaxError:
            return None
    if not isinstance(node, ast.Call):
        return None
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        return None
    args = [ast.unparse(a) for a in node.args]
    kwargs = {str(k.arg): ast.unparse(k.value) for k in node.keywords}
    return args, kwargs


def readable(value_text: str, source: str | None) -> str:
    """An argument as the report shows it: its value's text, or the test's name for it when
    the value's text is long or an object's default repr."""
    if source is None:
        return value_text
    try:
        expr = ast.parse(source, mode="eval").body
    except (SyntaxError, ValueError, RecursionError):
        return value_text
    if not isinstance(expr, _NAMES) or len(source) > LONG:
        return value_text
    if len(value_text) > LONG or value_text.startswith("<"):
        return source
    return value_text


def call_text(
    name: str,
    args: list[Any],
    kwargs: dict[str, Any],
    sources: tuple[list[str], dict[str, str]] | None,
    text: Any,
) -> str:
    """`name(...)` with each argument shown by `readable`; `text(value)` is a value's text."""
    shown_args = [text(a) for a in args]
    shown_kwargs = {k: text(v) for k, v in kwargs.items()}
    if sources is not None and len(sources[0]) == len(args) and set(sources[1]) == set(kwargs):
        shown_args = [readable(t, s) for t, s in zip(shown_args, sources[0])]
        shown_kwargs = {k: readable(t, sources[1][k]) for k, t in shown_kwargs.items()}
    parts = shown_args + [f"{k}={t}" for k, t in shown_kwargs.items()]
    return f"{name}({', '.join(parts)})"
