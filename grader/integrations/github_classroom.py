"""GitHub Classroom (retired on 2026-08-28): the step of the template's progress workflow.

`python -m grader.integrations.github_classroom` runs the visible suites, writes the progress
table to $GITHUB_STEP_SUMMARY and sets `result` in $GITHUB_OUTPUT, base64 of the runners' JSON
that Classroom's reporter (`autograding-grading-reporter`) read:

    {"version": 1, "status": "pass"|"fail"|"error", "max_score": N,
     "tests": [{"name", "status", "score", "message", "test_code", "filename", "line_no",
                "duration"}]}

One test per lesson carries that lesson's partial credit. Nothing collects that result since
Classroom's retirement; the grade was always advisory, because the student controls that CI.
`hexahype grade`, Classroom 50 and Gradescope are where grades go now.
"""

from __future__ import annotations

import argparse
import base64
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

from .. import manifest, runs
from ..manifest import Course, Lesson
from ..results import ResultsDoc, Status
from ..workflow import SUITE_TIMEOUT, TEST_TIMEOUT


def gradable(course: Course) -> list[Lesson]:
    """The entries this checkout grades: those with visible tests, except the lessons of an
    optional chapter that course.toml does not grade (they are worth nothing, and an unfinished
    capstone must not turn a finished course's status to "fail")."""
    return [
        e for e in course.entries if e.test_path.exists() and not (e.optional and e.points == 0)
    ]


def classroom_result(course: Course, doc: ResultsDoc | None, problem: str = "") -> dict[str, Any]:
    """The GitHub Classroom result for one visible run (the plugin's results document)."""
    entries = gradable(course)
    lessons = {o.id: o for o in doc.lessons} if doc is not None else {}
    durations = {o.id: sum(t.duration for t in o.tests) for o in lessons.values()}
    tests = []
    for e in entries:
        info = lessons.get(e.id)
        if info is None:
            status, score = ("error" if doc is None else "fail"), 0.0
            message = problem or "no test of this lesson ran"
        else:
            status = "pass" if info.status is Status.DONE else "fail"
            score = info.points
            first = info.first_message()
            message = (
                f"{info.status.value}: {first}"
                if status == "fail" and first
                else f"{info.passed} of {info.total} checks pass"
            )
        rel = e.test_path.relative_to(course.root).as_posix()
        tests.append(
            {
                "name": f"{e.id} {e.title}",
                "status": status,
                "score": round(score, 2),
                "message": message,
                "test_code": f"hexahype check {e.id}",
                "filename": rel,
                "line_no": 0,
                "duration": int(round(durations.get(e.id, 0.0) * 1000)),
            }
        )
    if doc is None:
        overall = "error"
    else:
        overall = "pass" if tests and all(t["status"] == "pass" for t in tests) else "fail"
    return {
        "version": 1,
        "status": overall,
        "max_score": sum(e.points for e in entries),
        "tests": tests,
    }


def encode(result: dict[str, Any]) -> str:
    """base64 of the result's JSON (ASCII, so any decoder reads it)."""
    text = json.dumps(result, ensure_ascii=True, separators=(",", ":"))
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def summary_markdown(course: Course, result: dict[str, Any]) -> str:
    """The progress table for the job summary: one row per lesson."""
    marks = {"pass": "done ✓", "fail": "not yet ✗", "error": "error ✗"}
    lines = [
        f"## {course.name}: progress",
        "",
        "| Lesson | Status | Points | Details |",
        "|---|---|---:|---|",
    ]
    points = {e.id: e.points for e in course.entries}
    for t in result["tests"]:
        lid = t["name"].split(" ", 1)[0]
        detail = str(t["message"]).replace("|", "\\|").replace("\n", " ")[:200]
        lines.append(
            f"| {t['name']} | {marks.get(t['status'], t['status'])} | "
            f"{_num(t['score'])} / {points.get(lid, 0)} | {detail} |"
        )
    got = sum(float(t["score"]) for t in result["tests"])
    lines += [
        f"| **Total** | | **{_num(got)} / {result['max_score']}** | |",
        "",
        "Run `pytest` or `hexahype` locally for the same checks. This grade is advisory.",
    ]
    return "\n".join(lines) + "\n"


def _num(x: float) -> str:
    return f"{x:g}"


def run_visible(course: Course, impl: Path | None = None) -> tuple[ResultsDoc | None, str]:
    """Run the visible suites against `impl` (default exercises/); return (results, problem)."""
    files = runs.test_files(gradable(course))
    if not files:
        return ResultsDoc(course.name, course.version, "exercises"), ""
    extra = []
    if importlib.util.find_spec("pytest_timeout") is not None:
        extra = [f"--timeout={TEST_TIMEOUT}", "--timeout-method=signal"]
    code, doc, out = runs.run_suite(
        course.root, files, impl or course.root / "exercises", extra=extra, timeout=SUITE_TIMEOUT
    )
    if doc is None:
        return None, f"pytest did not run (exit {code}): {out.strip()[-300:]}"
    return doc, ""


def _append(env_name: str, text: str) -> None:
    target = os.environ.get(env_name)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.integrations.github_classroom",
        description="GitHub Classroom step: run the visible suites and report a result.",
    )
    parser.add_argument("--impl", default=None, help="implementation folder (default exercises/)")
    parser.add_argument("--print", dest="show", action="store_true", help="also print the JSON")
    args = parser.parse_args(argv)
    try:
        course = manifest.load()
    except manifest.ManifestError as exc:
        print(f"hexahype classroom: {exc}", file=sys.stderr)
        return 2
    doc, problem = run_visible(course, Path(args.impl).resolve() if args.impl else None)
    result = classroom_result(course, doc, problem)
    _append("GITHUB_STEP_SUMMARY", summary_markdown(course, result))
    _append("GITHUB_OUTPUT", f"result={encode(result)}\n")
    got = sum(float(t["score"]) for t in result["tests"])
    print(f"{course.name}: {_num(got)} of {result['max_score']} points ({result['status']})")
    if problem:
        print(problem, file=sys.stderr)
    if args.show:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
