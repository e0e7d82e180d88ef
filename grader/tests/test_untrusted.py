"""The sanitiser for student text, one test per sink: the terminal, markdown rendered to HTML,
CSV read back by the csv module, and names that must stay distinct."""

from __future__ import annotations

import csv
import io
import re

import pytest

from grader import untrusted

HOSTILE = [
    "\x1b[2J\x1b[31mred\x1b[0m\r\nalice @ 000: 20 / 20 points\n",
    "<script>alert(1)</script><img src=x onerror=1> [x](https://example.org) **Total: 99**",
    '=HYPERLINK("example.org")',
    "+1+1",
    "-2",
    "@SUM(A1)",
    "\tcell",
    "\rcell",
    "``` ` `` code",
    "bidi \u202eevil\u2066 zero\u200bwidth\x00nul\x7fdel\x85nel\u2028ls",
]
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("text", HOSTILE)
def test_terminal_gets_one_printable_line(text: str) -> None:
    out = untrusted.terminal(text)
    assert not CONTROL.search(out) and "\n" not in out
    assert untrusted.terminal(out) == out  # idempotent


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_is_literal_text_in_html(text: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    html = markdown_it.MarkdownIt("commonmark").render(f"- note: {untrusted.markdown(text)}\n")
    for tag in ("<script", "<img", "<a ", "<strong>", "<h1>", "<em>"):
        assert tag not in html, (text, html)
    assert html.count("<code>") == 1 and html.count("<li>") == 1


@pytest.mark.parametrize("text", HOSTILE)
def test_csv_cells_never_start_a_formula(text: str) -> None:
    buf = io.StringIO()
    csv.writer(buf).writerow([untrusted.csv_cell(text), "ok"])
    cell = next(csv.reader(io.StringIO(buf.getvalue())))[0]
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_names_stay_distinct_and_printable() -> None:
    names = ["a\nb", "a b", "a\\x0ab", "a\tb", "a\u202eb"]
    shown = [untrusted.name(n) for n in names]
    assert all(not CONTROL.search(s) for s in shown)
    assert len(set(shown)) >= 4  # only a literal "\x0a" may look like an escaped newline


@pytest.mark.parametrize("text", HOSTILE)
def test_code_keeps_its_lines_and_nothing_else_acts(text: str) -> None:
    source = f"def f():\n\treturn {text!s}\n# end\n"
    out = untrusted.code(source)
    assert out.count("\n") == source.replace("\r\n", "\n").count("\n")  # its lines kept
    assert out.startswith("def f():\n    return ") and out.endswith("# end\n")
    assert not CONTROL.search(out.replace("\n", "")), repr(out)
