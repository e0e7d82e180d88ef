"""The student template's progress workflow, `Autograding Tests`.

`workflow_text(course)` renders `.github/workflows/classroom.yml` from the manifest alone, so the
kit can commit it (as `.github/classroom/classroom.yml`) and `hexahype verify` can tell when it is
stale. It keeps the shape GitHub Classroom expected (the name `Autograding Tests`, one job
`run-autograding-tests`, triggers on `push` and `repository_dispatch`), so repositories that
Classroom created keep running it: on every push it runs the visible suites through
`python -m grader.integrations.github_classroom` and writes the learner's progress table to the
job summary. The grade it computes is advisory: the student controls that CI.

GitHub Classroom retired on 2026-08-28 and nothing collects the reporter's result any more, so
the `Autograding Reporter` step runs only when the repository (or organisation) variable
`HEXAHYPE_CLASSROOM_REPORTER` is `true`, and never fails the run (`continue-on-error`).
`workflow_text(course, reporter=False, ...)` is the same progress workflow without that step,
under another name and file (the Classroom 50 template uses it: `gh student accept` owns
`.github/workflows/autograde.yaml`).

`python -m grader.workflow` prints the workflow.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from . import manifest
from .manifest import Course, Lesson

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
# The first steps of every workflow the kit writes: the repository, without a kept token, and
# the pinned Python.
SETUP_STEPS = (
    "      - name: Check out the repository",
    f"        uses: {CHECKOUT}",
    "        with:",
    "          persist-credentials: false",
    "      - name: Set up Python",
    f"        uses: {SETUP_PYTHON}",
    "        with:",
    f'          python-version: "{PYTHON_VERSION}"',
)
# The reporter is published only as the moving tag v1 (re-tagged on a release branch), so there
# is no release commit to pin to; pin it here once a reviewed commit is chosen.
REPORTER = "classroom-resources/autograding-grading-reporter@v1"
# The repository variable that turns the reporter step back on (GitHub Classroom is retired).
REPORTER_VARIABLE = "HEXAHYPE_CLASSROOM_REPORTER"


# -- the workflow -----------------------------------------------------------------------------
def workflow_text(course: Course, reporter: bool = True, name: str = WORKFLOW_NAME) -> str:
    """The template's workflow, from the manifest alone (never from which files exist).
    `reporter=False` leaves out GitHub Classroom's reporter step and its permissions."""
    total = sum(e.points for e in course.entries)
    if reporter:
        lines = [
            f"# GitHub Classroom autograding for {course.name} {course.version}.",
            "# Generated from course.toml by grader/workflow.py: do not edit by hand.",
            "# Regenerate with: python -m grader.workflow",
            "#",
            "# GitHub Classroom retired on 2026-08-28: nothing collects the reporter's result any",
            f"# more, so its step runs only when the repository variable {REPORTER_VARIABLE}",
            "# is 'true', and never fails the run. The progress table below is what this runs for.",
            "#",
        ]
    else:
        lines = [
            f"# {course.name} {course.version}: the visible checks on every push, with your progress",
            "# in the run's summary. Generated from course.toml by `hexahype classroom50`: do not",
            "# edit by hand. Grading itself is Classroom 50's Autograde workflow.",
            "#",
        ]
    lines.append("# One result per lesson, with partial credit from the manifest's points:")
    lines += [
        f"#   {e.id:<5} {e.title} ({e.points} points{', optional' if e.optional else ''})"
        for e in course.entries
    ]
    lines += [
        f"# Up to {total} points once every lesson is released. The visible tests run here;",
        "# this grade is advisory, and the instructor's `hexahype grade` is authoritative.",
        f"name: {name}",
        "",
        "on:",
        "  push:",
        "  repository_dispatch:",
        "",
        "permissions:",
        "  contents: read",
    ]
    if reporter:
        lines += [
            "  checks: write  # the reporter (when enabled) writes the score onto the check run",
            "  actions: read  # the reporter (when enabled) looks up this workflow run",
        ]
    lines += [
        "",
        "jobs:",
        f"  {JOB_ID}:",
        "    runs-on: ubuntu-latest",
    ]
    if reporter:
        lines.append("    if: github.actor != 'github-classroom[bot]'")
    lines += [
        "    timeout-minutes: 20",
        "    steps:",
        *SETUP_STEPS,
        "      - name: Install the course",
        "        run: python -m pip install --disable-pip-version-check -e .",
        "      - name: Run the visible tests",
        f"        id: {STEP_ID}",
        "        run: python -m grader.integrations.github_classroom",
    ]
    if reporter:
        lines += [
            "      - name: Autograding Reporter",
            "        # Off unless the repository variable is set: GitHub Classroom, which read this",
            "        # result, is retired. Never fails the run.",
            f"        if: ${{{{ vars.{REPORTER_VARIABLE} == 'true' }}}}",
            "        continue-on-error: true",
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
                    f"`python -m grader.workflow > {rel.as_posix()}`",
                )
            continue
        if path.read_text(encoding="utf-8") != want:
            report.add(
                "workflow",
                f"{rel.as_posix()} is stale against course.toml; regenerate "
                f"it with `python -m grader.workflow > {rel.as_posix()}`",
            )


def main() -> int:
    try:
        course = manifest.load()
    except manifest.ManifestError as exc:
        print(f"hexahype workflow: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(workflow_text(course))
    return 0


if __name__ == "__main__":
    sys.exit(main())
