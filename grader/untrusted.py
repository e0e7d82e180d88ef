"""The one sanitiser for student-originated text, and its encoders for each sink.

Student code, file names, submission folder names and git metadata all reach the instructor's
terminal, the markdown feedback, the CSV export and the gradebook. Every such string passes
`text()` (messages) or `name()` (names, git metadata) where the grader first receives it: the
worker's answers in the harness (`grader.grading.proxy`), the harness's results in the batch
(`grader.grading.batch`), folder names and git metadata in `grader.grading.sources`. What comes
out is one line of printable text: no control characters, ANSI escapes, bidirectional overrides
or line breaks that could forge a line. The sinks then encode it for their format:

- `terminal(s)`: the same guarantee again (idempotent), for text printed on the terminal;
- `markdown(s)`: a code span, so that nothing in it is HTML, a link, an image or emphasis (a
  fake "**Total: 100 / 100**" stays literal text);
- `csv_cell(s)`: a cell that no spreadsheet reads as a formula (a leading `=`, `+`, `-`, `@`,
  tab or carriage return gets a `'` first, and so does a leading `'`, so that removing one
  leading `'` always gives the text back: `grader.grading.insight.safe.uncell`).

It imports nothing of the kit.
"""

from __future__ import annotations

import re
import unicodedata

MESSAGE_CAP = 2000
NAME_CAP = 200
# Unicode categories never shown as they are: controls, format characters (bidi overrides,
# zero-width joiners), unassigned, private use and surrogates; separators other than space.
_HIDDEN = {"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")  # a spreadsheet formula begins so


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _visible(ch: str) -> bool:
    return unicodedata.category(ch) not in _HIDDEN


def _cut(line: str, limit: int) -> str:
    return line if len(line) <= limit else line[: max(limit - 3, 0)] + "..."


def text(value: object, limit: int = MESSAGE_CAP) -> str:
    """A message as one inert line: whitespace runs (line breaks included) become one space,
    any other invisible or control character is shown escaped (`\\x1b`), the rest is kept."""
    raw = value if isinstance(value, str) else str(value)
    out: list[str] = []
    space = False
    for ch in raw:
        if ch.isspace():
            space = True
            continue
        if space and out:
            out.append(" ")
        space = False
        out.append(ch if _visible(ch) else _escape(ch))
    return _cut("".join(out), limit)


def code(value: object) -> str:
    """Student source code shown as code (a `<pre>` block): its lines are kept, a tab becomes
    four spaces, and every other invisible or control character (ANSI escapes, bidi overrides,
    a lone carriage return) is shown escaped, so no line can hide or reorder another."""
    raw = value if isinstance(value, str) else str(value)
    raw = raw.replace("\r\n", "\n").replace("\t", "    ")
    return "".join(ch if ch == "\n" or _visible(ch) else _escape(ch) for ch in raw)


def name(value: object, limit: int = NAME_CAP) -> str:
    """A file or folder name, a ref or a git author: every character that is not printable,
    spaces other than ' ' included, is escaped, so distinct names stay distinct."""
    raw = value if isinstance(value, str) else str(value)
    out = [ch if ch == " " or (ch.isprintable() and _visible(ch)) else _escape(ch) for ch in raw]
    return _cut("".join(out), limit)


def terminal(value: object, limit: int = MESSAGE_CAP) -> str:
    """Text for the terminal (already one line after `text()`; applying it again is harmless)."""
    return text(value, limit)


def markdown(value: object, limit: int = 300) -> str:
    """`value` as a markdown code span: literal text in every renderer (no HTML, links,
    images or emphasis). The fence is longer than any run of backticks inside."""
    body = text(value, limit)
    if not body:
        return "` `"
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if body.startswith("`") or body.endswith("`") else ""
    return f"{fence}{pad}{body}{pad}{fence}"


def csv_cell(value: object) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate. One line of visible text
    (every name `name()` makes) comes back exactly by removing one leading `'`; other text is
    made one inert line first."""
    cell = value if isinstance(value, str) else str(value)
    cell = text(cell, MESSAGE_CAP) if any(not _visible(c) or c in "\r\n" for c in cell) else cell
    return "'" + cell if cell.startswith((*FORMULA_START, "'")) else cell
