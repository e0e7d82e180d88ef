"""Per-student feedback in markdown: what failed and why, without revealing the hidden suites.

A failed visible test shows its message (the learner can run it anyway). A failed hidden test
shows only its function name (without parameters, which may hold hidden inputs) and the first
line of its docstring: never its assertion message, expected values or source.

Everything that came from the submission (its name, messages, the commit) is written as a
markdown code span (`grader.untrusted.markdown`): literal text, never HTML, a link, an image or
emphasis, whatever it holds.

File names: `file_names()` gives every student a distinct file, also when two names normalise to
the same one (`a b` and `a_b`, `Alice` and `alice` on a case-insensitive disk).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3

from .. import untrusted
from ..results import Status, TestStatus

MAX_NAME = 80
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))}
RESERVED |= {f"lpt{i}" for i in range(10)}

PASSED = TestStatus.PASSED.value
MAX_VISIBLE = 8


def safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._")[:MAX_NAME] or "student"


def file_names(students: list[str]) -> dict[str, str]:
    """student -> a file name (without suffix) that no other student of `students` gets, on
    any file system: a name that had to change (characters replaced, cut, reserved on Windows)
    or that clashes, ignoring case, with another gets a short hash of the real name."""
    plain = {s: safe_name(s) for s in students}
    clashes: dict[str, int] = {}
    for name in plain.values():
        clashes[name.casefold()] = clashes.get(name.casefold(), 0) + 1
    out: dict[str, str] = {}
    for student, name in plain.items():
        changed = name != student or name.split(".")[0].casefold() in RESERVED
        if changed or clashes[name.casefold()] > 1:
            digest = hashlib.sha256(student.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            name = f"{name}-{digest}"
        out[student] = name
    return out


def _test_name(nodeid: str) -> str:
    return nodeid.split("::")[-1]


def _base_name(nodeid: str) -> str:
    """A hidden test's function name without its parameters, which may hold hidden inputs."""
    return _test_name(nodeid).split("[", 1)[0]


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def render(sub: sqlite3.Row, lessons: list[sqlite3.Row], tests: list[sqlite3.Row]) -> str:
    md = untrusted.markdown
    lines = [
        f"# Feedback for {md(sub['student'], 120)}",
        "",
        f"- Commit graded: {md(sub['commit_sha'] or 'none', 80)}",
        f"- Course: {sub['course']} {sub['course_version']} (grader {sub['grader_version']})",
        f"- Total: **{sub['points']:g} / {sub['max_points']:g}** points",
    ]
    if sub["tampered"]:
        lines.append(
            "- Your repository changes files the course ships (tests, workflow or grader "
            "files); grading used the course's own copies."
        )
    if sub["problem"]:
        lines.append(f"- Note: {md(sub['problem'])}")
    lines += ["", "| Lesson | Status | Checks | Points |", "|---|---|---:|---:|"]
    for r in lessons:
        lines.append(
            f"| {r['lesson']} {r['title']} | {r['status']} | {r['passed']} / "
            f"{r['total']} | {r['points']:g} / {r['max_points']:g} |"
        )
    by_lesson: dict[str, list[sqlite3.Row]] = {}
    for t in tests:
        by_lesson.setdefault(t["lesson"], []).append(t)
    for r in lessons:
        if r["status"] == Status.DONE:
            continue
        lines += ["", f"## {r['lesson']} {r['title']}", ""]
        lines += _lesson_lines(r, by_lesson.get(r["lesson"], []))
    return "\n".join(lines) + "\n"


def _lesson_lines(lesson: sqlite3.Row, tests: list[sqlite3.Row]) -> list[str]:
    failed = [t for t in tests if t["status"] != PASSED]
    if lesson["status"] == Status.ERROR or not tests:
        return ["- No check of this lesson could run for this submission."]
    waiting = [t for t in failed if t["status"] == TestStatus.NOT_STARTED]
    failed = [t for t in failed if t["status"] != TestStatus.NOT_STARTED]
    out: list[str] = (
        [f"- Not started yet: {len(waiting)} checks wait for your work."] if waiting else []
    )
    broken = [t for t in failed if t["status"] == TestStatus.CANNOT_LOAD and not t["hidden"]]
    if broken:
        why = untrusted.markdown(broken[0]["message"])
        return out + [f"- Your module could not be loaded: {why}"]
    skipped = [t for t in failed if t["status"] == TestStatus.SKIPPED]
    visible = [t for t in failed if not t["hidden"] and t["status"] != TestStatus.SKIPPED]
    seen: set[str] = set()
    shown = 0
    for t in visible:
        message = _one_line(t["message"])
        if message in seen:
            continue
        seen.add(message)
        if shown == MAX_VISIBLE:
            out.append(
                f"- ... and more visible checks fail; run `hexahype check {lesson['lesson']}`"
            )
            break
        shown_name = untrusted.markdown(_test_name(t["name"]), 120)
        out.append(f"- {shown_name} ({t['status']}): {untrusted.markdown(message)}")
        shown += 1
    hidden: dict[str, list[sqlite3.Row]] = {}
    for t in failed:
        if t["hidden"] and t["status"] != TestStatus.SKIPPED:
            hidden.setdefault(_base_name(t["name"]), []).append(t)
    for name, group in hidden.items():
        cases = f", {len(group)} cases" if len(group) > 1 else ""
        about = f": {_one_line(group[0]['doc'])}" if group[0]["doc"] else ""
        label = untrusted.markdown(name, 120)
        out.append(f"- hidden check {label} ({group[0]['status']}{cases}){about}")
    if skipped:
        why = (
            "after a check of this lesson ran out of time"
            if any("timed out" in t["message"] for t in skipped)
            else "(skipped)"
        )
        out.append(f"- {len(skipped)} more checks did not run {why}.")
    return out
