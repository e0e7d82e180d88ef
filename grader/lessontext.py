"""Lesson texts as data: their fenced code blocks, expected outputs and reading time, and a
runner that executes the Python blocks in order, like a notebook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(```+)\s*([\w+-]*)[^\n]*\n(.*?)^\1\s*$", re.S | re.M)


@dataclass
class Block:
    code: str
    expected: str | None  # the ```text block that follows, if any
    line: int


def blocks(markdown: str) -> list[Block]:
    """Every ```python block, each with the ```text block that directly follows it."""
    found = [(m.group(2).lower(), m.group(3), m.start(), m.end()) for m in FENCE.finditer(markdown)]
    out: list[Block] = []
    for i, (lang, body, start, end) in enumerate(found):
        if lang not in ("python", "py"):
            continue
        expected = None
        if i + 1 < len(found):
            nlang, nbody, nstart, _ = found[i + 1]
            if nlang == "text" and markdown[end:nstart].strip() == "":
                expected = nbody
        out.append(Block(body, expected, markdown.count("\n", 0, start) + 1))
    return out


# The reading-time rule, stated once: `verify` holds every lesson text to it, `new-lesson`
# quotes it, and CONTRIBUTING.md ("Lesson texts") explains it.
PROSE_WORDS_PER_MINUTE = 200
"""Prose (everything outside fenced blocks: paragraphs, lists, tables, headings) is read at 200
words a minute, the seed's rate. Image links do not count."""
CODE_LINES_PER_MINUTE = 30
"""Every non-blank line inside a fenced block (a program, its printed output, a sketch of shapes)
takes 2 seconds: a learner reads a line of code about as slowly as a line of prose, and skims
the output below it."""
READING_TOLERANCE = 0.20
"""A lesson's reading time may differ from the `minutes` course.toml gives it by at most 20%,
either way."""


def word_count(markdown: str) -> int:
    """Whitespace-separated words, image links out (markdown punctuation is not a word)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", markdown)
    return len(re.findall(r"[^\s#>*|`-]+", text))


@dataclass(frozen=True)
class ReadingTime:
    """What a learner reads in a lesson text: its prose words and its lines of code."""

    prose_words: int
    code_lines: int

    @property
    def minutes(self) -> float:
        return self.prose_words / PROSE_WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE


def reading_time(markdown: str) -> ReadingTime:
    """The prose words (outside fenced blocks) and the non-blank lines inside fenced blocks."""
    lines = sum(
        1 for m in FENCE.finditer(markdown) for line in m.group(3).splitlines() if line.strip()
    )
    return ReadingTime(word_count(FENCE.sub(" ", markdown)), lines)


def reading_problem(markdown: str, minutes: float) -> str | None:
    """Why the text breaks the reading-time rule for its stated `minutes`, or None if it keeps it."""
    got = reading_time(markdown)
    low, high = minutes * (1 - READING_TOLERANCE), minutes * (1 + READING_TOLERANCE)
    if low <= got.minutes <= high:
        return None
    return (
        f"the text reads in {got.minutes:.1f} min ({got.prose_words} words of prose at "
        f"{PROSE_WORDS_PER_MINUTE} a minute, {got.code_lines} lines of code and output at "
        f"{CODE_LINES_PER_MINUTE} a minute); its {minutes:g} min allow {low:.1f} to {high:.1f}"
    )


def headings(markdown: str) -> list[str]:
    """The text of every heading outside code blocks."""
    outside = FENCE.sub("", markdown)
    return [m.group(2).strip() for m in re.finditer(r"^(#+)\s+(.*)$", outside, re.M)]


_RUNNER = r"""
import contextlib, io, json, sys, types
root, impl, payload = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())
sys.path.insert(0, root)
pkg = types.ModuleType("exercises")
pkg.__path__ = [impl]
sys.modules["exercises"] = pkg
ns = {"__name__": "__lesson__"}
results = []
for code in payload:
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<lesson block>", "exec"), ns)
        results.append({"ok": True, "out": buf.getvalue()})
    except BaseException as exc:
        results.append({"ok": False, "out": buf.getvalue(),
                        "error": type(exc).__name__ + ": " + str(exc)})
        break
sys.__stdout__.write("\n@@HEXAHYPE@@" + json.dumps(results))
"""


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def run_blocks(path: Path, root: Path, impl_dir: Path, timeout: float = 300) -> list[str]:
    """Run a lesson's python blocks in a fresh interpreter; return problems, empty when fine."""
    md = path.read_text(encoding="utf-8")
    found = blocks(md)
    if not found:
        return []
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["MPLBACKEND"] = "Agg"
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(root), str(impl_dir)],
            input=json.dumps([b.code for b in found]),
            capture_output=True,
            text=True,
            cwd=root,
            timeout=timeout,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return [f"its code blocks did not finish within {timeout:.0f}s"]
    marker = proc.stdout.rfind("@@HEXAHYPE@@")
    if marker < 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return [f"its code blocks crashed the interpreter: {tail[0]}"]
    results = json.loads(proc.stdout[marker + len("@@HEXAHYPE@@") :])
    problems: list[str] = []
    for block, res in zip(found, results):
        where = f"the code block at line {block.line}"
        if not res["ok"]:
            problems.append(f"{where} raised {res['error']}")
            break
        if block.expected is not None and _norm(res["out"]) != _norm(block.expected):
            got = _norm(res["out"]).splitlines()
            want = _norm(block.expected).splitlines()
            diff = next(
                (i for i, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want))
            )
            g = got[diff] if diff < len(got) else "<nothing>"
            w = want[diff] if diff < len(want) else "<nothing>"
            problems.append(
                f"{where} printed a different output than its text block shows, "
                f"first at output line {diff + 1}: printed {g!r}, the text shows {w!r}"
            )
    return problems
