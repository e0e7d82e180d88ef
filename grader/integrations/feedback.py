"""What a student may read about one graded lesson, on any platform.

The rules are those of the instructor's feedback files (`grader.grading.feedback`):
- a failed visible test shows its name and message (the learner can run it anyway);
- a failed hidden test shows only its function name without parameters (they may hold hidden
  inputs) and the first line of its docstring: never its message, expected values or source;
- a lesson that is not started, cannot be loaded, or ran out of time says so once.

`notes(lesson, docs)` gives those lines as `Note`s (a label, the test name, the text); `text()`
renders one for a plain-text surface (Gradescope's `text` format, result.json) and `markdown()`
for a markdown one (Classroom 50's release body). Every string that can come from a student
(a message quotes their return values and exceptions) is made inert first: control characters
and terminal escapes are dropped, and markdown puts it in a code span no backtick can close.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..results import LessonOutcome, Status, TestOutcome, TestStatus, lesson_message

MAX_VISIBLE = 8
LINE = 300
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-_]?|[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain(text: str, limit: int = LINE) -> str:
    """One line of inert text: no control characters, terminal escapes or direction marks,
    whitespace collapsed, at most `limit` characters."""
    line = " ".join(_BIDI.sub("", _CONTROL.sub(" ", str(text))).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def code(text: str) -> str:
    """`text` as a markdown code span: never rendered as markdown or HTML."""
    body = plain(text)
    if not body:
        return ""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {body} {fence}"


def base_name(nodeid: str) -> str:
    """A test's function name without its parameters."""
    return nodeid.split("::")[-1].split("[", 1)[0]


@dataclass(frozen=True)
class Note:
    """One line of feedback: `label` is kit text, `name` a test name, `text` anything (a
    student's values included)."""

    label: str
    name: str = ""
    text: str = ""

    def as_text(self) -> str:
        head = self.label + (f" {self.name}" if self.name else "")
        return head + (f": {plain(self.text)}" if self.text else "")

    def as_markdown(self) -> str:
        head = self.label + (f" {code(self.name)}" if self.name else "")
        return head + (f": {code(self.text)}" if self.text else "")


def summary(lesson: LessonOutcome, hidden: bool | None = None) -> str:
    """'12 of 35 checks pass' for the lesson, or for its visible or hidden part."""
    tests = lesson.tests if hidden is None else lesson.part(hidden)
    total = lesson.total if hidden is None else len(tests)
    kind = "" if hidden is None else ("hidden " if hidden else "visible ")
    passed = sum(t.passed for t in tests)
    return f"{passed} of {total} {kind}checks pass"


def _visible(lesson: LessonOutcome, failed: list[TestOutcome]) -> list[Note]:
    out: list[Note] = []
    broken = [t for t in failed if t.status is TestStatus.CANNOT_LOAD]
    if broken:
        return [Note("your module could not be loaded", text=broken[0].message)]
    shown: set[str] = set()
    for t in failed:
        if t.status in (TestStatus.SKIPPED, TestStatus.NOT_STARTED):
            continue
        message = plain(t.message) or t.status.value
        if message in shown:
            continue
        shown.add(message)
        if len(out) == MAX_VISIBLE:
            out.append(Note(f"... and more visible checks fail; run `hexahype check {lesson.id}`"))
            break
        out.append(Note(f"check ({t.status.value})", t.name, message))
    return out


def _hidden(failed: list[TestOutcome], docs: Mapping[str, str]) -> list[Note]:
    broken = [t for t in failed if t.status is TestStatus.CANNOT_LOAD]
    out = []
    if broken:
        out.append(Note(f"{len(broken)} hidden checks could not run: the module did not load"))
    groups: dict[str, list[TestOutcome]] = {}
    for t in failed:
        if t.status not in (TestStatus.SKIPPED, TestStatus.NOT_STARTED, TestStatus.CANNOT_LOAD):
            groups.setdefault(base_name(t.nodeid), []).append(t)
    for name, group in groups.items():
        cases = f", {len(group)} cases" if len(group) > 1 else ""
        about = docs.get(group[0].nodeid, "")
        out.append(Note(f"hidden check ({group[0].status.value}{cases})", name, about))
    return out


def notes(lesson: LessonOutcome, docs: Mapping[str, str], hidden: bool | None = None) -> list[Note]:
    """The feedback lines of a lesson (or of its visible or hidden part only); none when the
    part passes."""
    tests = lesson.tests if hidden is None else lesson.part(hidden)
    if lesson.status is Status.DONE or (
        hidden is not None and tests and all(t.passed for t in tests)
    ):
        return []
    if lesson.grading_error:
        return [
            Note(
                "grading error: the course's tests of this lesson could not run; this is not "
                "your code, and no points were taken for it",
                text=lesson.grading_error,
            )
        ]
    if not tests or all(t.status is TestStatus.MISSING for t in tests):
        why = next((t.message for t in tests if t.message), "")
        return [Note("no check of this lesson could run for this submission", text=why)]
    failed = [t for t in tests if not t.passed]
    out: list[Note] = []
    waiting = [t for t in failed if t.status is TestStatus.NOT_STARTED]
    if waiting:
        todo = lesson_message(lesson.part(False)) if hidden is not True else ""
        out.append(
            Note(
                f"not started yet: {len(waiting)} checks wait for your work",
                text=todo[len("still to write: ") :] if todo.startswith("still to write: ") else "",
            )
        )
    if hidden is not True:
        out += _visible(lesson, [t for t in failed if not t.hidden])
    if hidden is not False:
        out += _hidden([t for t in failed if t.hidden], docs)
    skipped = [t for t in failed if t.status is TestStatus.SKIPPED]
    if skipped:
        why = (
            "after a check of this lesson ran out of time"
            if any("timed out" in t.message for t in skipped)
            else "(skipped)"
        )
        out.append(Note(f"{len(skipped)} more checks did not run {why}"))
    return out


def first_line(lesson: LessonOutcome, docs: Mapping[str, str]) -> str:
    """The lesson's one safe line: 'done' or its first failing message (visible tests' own
    messages; a hidden check only by name and docstring)."""
    if lesson.status is Status.DONE:
        return f"done: {summary(lesson)}"
    found = notes(lesson, docs)
    head = f"{lesson.status.value}: {summary(lesson)}"
    return f"{head}; {found[0].as_text()}" if found else head


def text_block(items: Iterable[Note]) -> str:
    return "\n".join(f"- {n.as_text()}" for n in items)


def markdown_block(items: Iterable[Note]) -> str:
    return "\n".join(f"- {n.as_markdown()}" for n in items)
