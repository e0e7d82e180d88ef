"""Student strings made inert where the instructor reads them: CSV cells, HTML and markdown.

The sanitiser itself is `grader.untrusted` (one line, no control characters, a CSV cell that
is never a formula); this module adds the encodings of the instructor's reports on top of it:

- `cell`/`uncell`: a CSV cell through `untrusted.csv_cell`, and back (the leading apostrophe
  that keeps a formula as text removed again, for `import-overrides`);
- `number`: points the kit computes, written as numbers, never through `cell`;
- `html_text`, `md_text`, `term`: text for HTML, a markdown table cell and the terminal.
"""

from __future__ import annotations

import html
import math
import re

from ... import untrusted

FORMULA_START = untrusted.FORMULA_START
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def cell(value: object) -> str:
    """A CSV cell for text that may come from a student."""
    return untrusted.csv_cell("" if value is None else value)


def uncell(text: str) -> str:
    """The text of a cell that `cell` wrote (its one leading apostrophe removed again)."""
    return text[1:] if text.startswith("'") and text[1:].startswith((*FORMULA_START, "'")) else text


def number(value: float | None) -> str:
    """Points for a CSV or a table: up to two decimals, never rounded to whole numbers, no
    exponent, and a dot as the decimal mark. None is an empty cell."""
    if value is None or not math.isfinite(value):
        return ""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def html_text(value: object) -> str:
    """Text for HTML: one inert line, then HTML-escaped."""
    return html.escape(untrusted.text("" if value is None else value), quote=True)


def html_code(value: object) -> str:
    """Student code for an HTML `<pre>`: its lines kept, everything else inert, HTML-escaped."""
    return html.escape(untrusted.code("" if value is None else value), quote=True)


def md_text(value: object, limit: int = 300) -> str:
    """One line of markdown that renders as the text itself, also inside a table cell: one
    inert line, HTML escaped, markdown syntax backslash-escaped."""
    line = untrusted.text("" if value is None else value, limit)
    return _MD_SPECIAL.sub(r"\\\1", html.escape(line, quote=False))


def term(value: object) -> str:
    """A line for the terminal: control characters (escape sequences, bidi overrides) shown as
    escapes instead of acting."""
    return untrusted.terminal("" if value is None else value)
