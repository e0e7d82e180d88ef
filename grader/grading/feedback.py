"""Per-student feedback in markdown: what failed and why, without revealing the hidden suites.

A failed visible test shows its message (the learner can run it anyway). A failed hidden test
shows only its name and the first line of its docstring: never its assertion message, expected
values or source.
"""

from __future__ import annotations

import re
import sqlite3

PASSED = "passed"


def safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", student).strip("._") or "student"


def _test_name(nodeid: str) -> str:
    return nodeid.split("::")[-1]


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def render(sub: sqlite3.Row, lessons: list[sqlite3.Row], tests: list[sqlite3.Row]) -> str:
    lines = [
        f"# Feedback for {sub['student']}",
        "",
        f"- Commit graded: `{sub['commit_sha'] or 'none'}`",
        f"- Course: {sub['course']} {sub['course_version']} (grader {sub['grader_version']})",
        f"- Total: **{sub['points']:g} / {sub['max_points']:g}** points",
    ]
    if sub["tampered"]:
        lines.append(
            "- Your repository changes files the course ships (tests, workflow or grader "
            "files); grading used the course's own copies."
        )
    if sub["problem"]:
        lines.append(f"- Note: {_one_line(sub['problem'])}")
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
        failed = [t for t in by_lesson.get(r["lesson"], []) if t["status"] != PASSED]
        if r["status"] == "done":
            continue
        lines += ["", f"## {r['lesson']} {r['title']}", ""]
        if r["status"] == "error":
            lines.append("- No check of this lesson could run for this submission.")
        if failed and all(t["status"] == "not started" for t in failed):
            lines.append("- Not started: the functions still raise NotImplementedError.")
            continue
        visible = [t for t in failed if not t["hidden"]]
        hidden = [t for t in failed if t["hidden"]]
        for t in visible:
            lines.append(f"- `{_test_name(t['name'])}` ({t['status']}): {_one_line(t['message'])}")
        for t in hidden:
            about = f": {_one_line(t['doc'])}" if t["doc"] else ""
            lines.append(f"- hidden check `{_test_name(t['name'])}` ({t['status']}){about}")
    return "\n".join(lines) + "\n"
