"""The GitHub Classroom side: the template's workflow and the result it reports.

`workflow_text(course)` renders `.github/workflows/classroom.yml` from the manifest alone, so the
kit can commit it (as `.github/classroom/classroom.yml`) and `hexahype verify` can tell when it is
stale. The workflow follows what GitHub Classroom expects: the name `Autograding Tests`, one job
`run-autograding-tests`, triggers on `push` and `repository_dispatch`, and a step whose `result`
output is base64 of the runners' JSON:

    {"version": 1, "status": "pass"|"fail"|"error", "max_score": N,
     "tests": [{"name", "status", "score", "message", "test_code", "filename", "line_no",
                "duration"}]}

The official reporter (`autograding-grading-reporter`) reads it from `<STEP-ID>_RESULTS` and sums
the tests' `score` against `max_score`, so one test per lesson carries that lesson's partial
credit. This grade is advisory: the student controls that CI. `hexahype grade` is the
authoritative one.

`python -m grader.authoring.classroom` is the step: it runs the visible suites, writes the
progress table to $GITHUB_STEP_SUMMARY and sets `result` in $GITHUB_OUTPUT.
`python -m grader.authoring.classroom --workflow` prints the workflow.
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

WORKFLOW_NAME = "Autograding Tests"
JOB_ID = "run-autograding-tests"
STEP_ID = "hexahype"
SOURCE_COPY = Path(".github") / "classroom" / "classroom.yml"  # in the kit
TEMPLATE_COPY = Path(".github") / "workflows" / "classroom.yml"  # in the student template
PYTHON_VERSION = "3.11"
TEST_TIMEOUT = 60  # seconds per test in the student's CI
SUITE_TIMEOUT = 600  # seconds for the whole visible run

# Actions pinned by full commit SHA (the tag is a comment only).
CHECKOUT = "actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0"
SETUP_PYTHON = "actions/setup-python@e797f83bcb11b83ae66e0230d6156d7c80228e7c # v6.0.0"
# The reporter is published only as the moving tag v1 (re-tagged on a release branch), so there
# is no release commit to pin to; pin it here once a reviewed commit is chosen.
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


# -- the workflow -----------------------------------------------------------------------------
def workflow_text(course: Course) -> str:
    """The template's workflow, from the manifest alone (never from which files exist)."""
    total = sum(e.points for e in course.entries)
    lines = [
        f"# GitHub Classroom autograding for {course.name} {course.version}.",
        "# Generated from course.toml by grader/authoring/classroom.py: do not edit by hand.",
        "# Regenerate with: python -m grader.authoring.classroom --workflow",
        "#",
        "# One result per lesson, with partial credit from the manifest's points:",
    ]
    lines += [
        f"#   {e.id:<5} {e.title} ({e.points} points{', optional' if e.optional else ''})"
        for e in course.entries
    ]
    lines += [
        f"# Up to {total} points once every lesson is released. The visible tests run here;",
        "# this grade is advisory, and the instructor's `hexahype grade` is authoritative.",
        f"name: {WORKFLOW_NAME}",
        "",
        "on:",
        "  push:",
        "  repository_dispatch:",
        "",
        "permissions:",
        "  contents: read",
        "  checks: write  # the reporter writes the score onto the check run",
        "  actions: read  # the reporter looks up this workflow run",
        "",
        "jobs:",
        f"  {JOB_ID}:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    timeout-minutes: 20",
        "    steps:",
        "      - name: Check out the repository",
        f"        uses: {CHECKOUT}",
        "        with:",
        "          persist-credentials: false",
        "      - name: Set up Python",
        f"        uses: {SETUP_PYTHON}",
        "        with:",
        f'          python-version: "{PYTHON_VERSION}"',
        "      - name: Install the course",
        "        run: python -m pip install --disable-pip-version-check -e .",
        "      - name: Run the visible tests",
        f"        id: {STEP_ID}",
        "        run: python -m grader.authoring.classroom",
        "      - name: Autograding Reporter",
        f"        uses: {REPORTER}",
        "        env:",
        f"          {STEP_ID.upper()}_RESULTS: ${{{{ steps.{STEP_ID}.outputs.result }}}}",
        "        with:",
        f"          runners: {STEP_ID}",
    ]
    return "\n".join(lines) + "\n"


def check_workflow(course: Course, authored: list[Lesson], report: Any) -> None:
    """verify: every committed copy of the Classroom workflow equals the generated one. The kit
    (it has solutions/) must commit its source copy."""
    want = workflow_text(course)
    copies = [SOURCE_COPY, TEMPLATE_COPY]
    for rel in copies:
        path = course.root / rel
        if not path.exists():
            if rel == SOURCE_COPY and (course.root / "solutions").is_dir():
                report.add(
                    "workflow",
                    f"{rel.as_posix()} is missing; regenerate it with "
                    f"`python -m grader.authoring.classroom --workflow > {rel.as_posix()}`",
                )
            continue
        if path.read_text(encoding="utf-8") != want:
            report.add(
                "workflow",
                f"{rel.as_posix()} is stale against course.toml; regenerate "
                f"it with `python -m grader.authoring.classroom --workflow > {rel.as_posix()}`",
            )


# -- the result -------------------------------------------------------------------------------
def gradable(course: Course) -> list[Lesson]:
    """The entries this checkout grades: those with visible tests, except the lessons of an
    optional chapter that course.toml does not grade (they are worth nothing, and an unfinished
    capstone must not turn a finished course's status to "fail")."""
    return [
        e for e in course.entries if e.test_path.exists() and not (e.optional and e.points == 0)
    ]


def classroom_result(
    course: Course, doc: dict[str, Any] | None, problem: str = ""
) -> dict[str, Any]:
    """The GitHub Classroom result for one visible run (the plugin's results document)."""
    entries = gradable(course)
    lessons = {info["id"]: info for info in (doc or {}).get("lessons", [])}
    durations: dict[str, float] = {}
    for t in (doc or {}).get("tests", []):
        durations[t["lesson"]] = durations.get(t["lesson"], 0.0) + float(t.get("duration", 0.0))
    tests = []
    for e in entries:
        info = lessons.get(e.id)
        if info is None:
            status, score = ("error" if doc is None else "fail"), 0.0
            message = problem or "no test of this lesson ran"
        else:
            status = "pass" if info["status"] == "done" else "fail"
            score = float(info["points"])
            message = (
                f"{info['passed']} of {info['total']} checks pass"
                if status == "pass"
                else f"{info['status']}: {info['message']}"
                if info["message"]
                else f"{info['passed']} of {info['total']} checks pass"
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


def run_visible(course: Course, impl: Path | None = None) -> tuple[dict[str, Any] | None, str]:
    """Run the visible suites against `impl` (default exercises/); return (results, problem)."""
    files = runs.test_files(gradable(course))
    if not files:
        return {"lessons": [], "tests": []}, ""
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
        prog="python -m grader.authoring.classroom",
        description="GitHub Classroom step: run the visible suites and report a result.",
    )
    parser.add_argument("--workflow", action="store_true", help="print the workflow and exit")
    parser.add_argument("--impl", default=None, help="implementation folder (default exercises/)")
    parser.add_argument("--print", dest="show", action="store_true", help="also print the JSON")
    args = parser.parse_args(argv)
    try:
        course = manifest.load()
    except manifest.ManifestError as exc:
        print(f"hexahype classroom: {exc}", file=sys.stderr)
        return 2
    if args.workflow:
        sys.stdout.write(workflow_text(course))
        return 0
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
