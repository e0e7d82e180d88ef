"""Student strings made inert where the instructor reads them: CSV cells, HTML and markdown.

A CSV cell that starts with `= + - @`, a tab or a carriage return is a formula to a spreadsheet
(OWASP's "CSV injection"); it gets a leading apostrophe, which spreadsheets show as text.
Numbers the kit computes are written by `number`, never through `cell`, so they stay numbers.
"""

from __future__ import annotations

import html
import math
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def cell(value: object) -> str:
    """A CSV cell for text that may come from a student."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def uncell(text: str) -> str:
    """The text of a cell that `cell` wrote (the apostrophe removed again)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def number(value: float | None) -> str:
    """Points for a CSV or a table: up to two decimals, never rounded to whole numbers, no
    exponent, and a dot as the decimal mark. None is an empty cell."""
    if value is None or not math.isfinite(value):
        return ""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def html_text(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def md_text(value: object, limit: int = 300) -> str:
    """One line of markdown that renders as the text itself: HTML escaped, markdown syntax
    backslash-escaped, whitespace folded to one line."""
    line = " ".join(("" if value is None else str(value)).split())
    if len(line) > limit:
        line = line[: limit - 3] + "..."
    return _MD_SPECIAL.sub(r"\\\1", html.escape(line, quote=False))


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def term(value: object) -> str:
    """A line for the terminal: control characters (escape sequences, bidi overrides) shown as
    escapes instead of acting."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", "" if value is None else str(value))
