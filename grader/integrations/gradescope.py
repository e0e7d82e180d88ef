"""Gradescope (programming assignments): `hexahype gradescope OUT.zip`.

The zip is a Gradescope autograder: at its root

    setup.sh           installs what grading needs (says what, and from where)
    run_autograder     grades /autograder/submission/, writes /autograder/results/results.json
    requirements.txt   the grader's Python packages
    hexahype/          the kit's grading copy: grader/, course.toml, visible and hidden tests,
                       sealed quizzes, and hexahype-platform.json (the settings chosen here)
    wheels/            only with --wheels DIR: those wheels, so setup.sh needs no network

`run_autograder` runs `python -m grader.integrations.gradescope` in hexahype/: the submission
(a repository, a zip of one, or just the exercise files, at any depth) is graded through
`grader.integrations.engine`, with the staging, sandbox and limits of `hexahype grade`:
Gradescope's container is no reason to run student code in the harness. results.json has, per
lesson, a row for its visible checks (`visible`) and one for its hidden checks
(`after_due_date` by default, `--hidden-visibility` to change), whose scores add up to the
lesson's points in `hexahype grade`, with the same safe feedback as every platform: a hidden
check shows only its name and docstring. The top-level output names the visible points only,
so it tells nothing of the hidden rows before they are shown.

`HEXAHYPE_AUTOGRADER_ROOT` relocates /autograder, `HEXAHYPE_PYTHON` makes setup.sh use that
interpreter as it is, `HEXAHYPE_SKIP_APT` skips apt-get (the kit's own tests use all three).

Format followed: gradescope/autograder_samples `docs/specs.md` at commit
af5dee4cf9b2c930c47dc0e4320c7e5ab2580564.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .. import manifest
from ..manifest import Course
from ..results import LessonOutcome, score
from ..results import total as total_points
from . import bundle, engine, feedback

ROOT_ENV = "HEXAHYPE_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
PYTHON_FILE = ".hexahype-python"  # setup.sh writes the interpreter it set up here
_SKIP = {".git", "__pycache__", "__MACOSX", ".venv", "node_modules"}


class GradescopeError(Exception):
    """The autograder zip cannot be built (one clear line)."""


# -- the verb -----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="the autograder zip to write (OUT.zip)")
    parser.add_argument(
        "--hidden-visibility",
        choices=VISIBILITIES,
        default="after_due_date",
        help="when students see the hidden checks' rows (default after_due_date)",
    )
    parser.add_argument(
        "--wheels",
        type=Path,
        default=None,
        metavar="DIR",
        help="put these wheels (*.whl) into the zip, so setup.sh installs offline",
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    engine.add_settings_arguments(parser)


def run(args: argparse.Namespace, course: Course) -> int:
    out: Path = args.out
    try:
        if out.is_dir():
            raise GradescopeError(f"{out} is a folder; give the zip file to write")
        if out.exists() and not args.force:
            raise GradescopeError(f"{out} exists; use --force to replace it")
        settings = {**engine.settings_of(args), "hidden_visibility": args.hidden_visibility}
        files = zip_files(course, settings, args.wheels)
        data = bundle.zip_bytes(files)
    except (GradescopeError, bundle.BundleError) as exc:
        print(f"hexahype gradescope: {exc}", file=sys.stderr)
        return 2
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    wheels = sum(rel.startswith("wheels/") for rel in files)
    print(f"wrote {out} ({len(data) / 2**20:.1f} MiB, {len(files)} files, {wheels} wheels)\n")
    print(next_steps(out, wheels, args.hidden_visibility), end="")
    return 0


def next_steps(out: Path, wheels: int, hidden: str) -> str:
    lines = [
        "Next steps on Gradescope",
        "1. Create a Programming Assignment; under Configure Autograder choose a Ubuntu base image",
        f"   with Python 3.10 or later, upload {out.name} and build it.",
        "   setup.sh installs python3, venv, pip, git and bubblewrap with apt-get, then "
        + (
            "the wheels in the zip (no network)."
            if wheels
            else "requirements.txt from PyPI (the build needs the network; --wheels DIR makes it "
            "offline, with DIR from `pip download -d DIR -r requirements.txt --only-binary=:all: "
            "--python-version 3.10 --platform manylinux2014_x86_64`)."
        ),
        "2. Test the autograder with a submission: the repository (upload or GitHub) or just its",
        "   exercise files. Every lesson has a row for its visible checks, shown at once, and one",
        f"   for its hidden checks, shown {hidden.replace('_', ' ')}.",
        "3. Students submit; each submission is graded in Gradescope's container, student code in",
        "   the kit's sandbox (bubblewrap when the container allows it, else a separate user with",
        "   limits). Gradescope holds the hidden tests; students never get the zip.",
    ]
    return "\n".join(lines) + "\n"


def _modules(requirements: str) -> list[str]:
    """The import names of the requirements installed here (for setup.sh's check)."""
    names: list[str] = []
    for line in requirements.splitlines():
        m = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line)
        if not m or line.lstrip().startswith("#"):
            continue
        try:
            dist = importlib.metadata.distribution(m.group(1))
        except importlib.metadata.PackageNotFoundError:
            continue  # not needed here (a marker); not checked
        top = (dist.read_text("top_level.txt") or "").split()
        if not top:
            top = sorted(
                {
                    str(f).split("/")[0]
                    for f in dist.files or []
                    if str(f).endswith("/__init__.py") and str(f).count("/") == 1
                }
            )
        names += [t for t in top if t.isidentifier() and not t.startswith("_")][:1]
    return names


def zip_files(course: Course, settings: dict[str, Any], wheels: Path | None) -> dict[str, bytes]:
    lessons = [e for e in course.entries if e.test_path.exists() or e.hidden_test_path.exists()]
    if not lessons:
        raise GradescopeError("no lesson of the course has tests to grade")
    files = {
        f"{bundle.KIT_DIR}/{rel}": bundle.content(src)
        for rel, src in bundle.grading_files(course).items()
    }
    files[f"{bundle.KIT_DIR}/{bundle.SETTINGS_FILE}"] = bundle.settings_bytes(settings)
    reqs = bundle.requirements(course)
    files["requirements.txt"] = reqs.encode("utf-8")
    try:
        bundle.check(files, reqs)
    except bundle.BundleError as exc:
        raise GradescopeError(str(exc)) from None
    modules = ", ".join(_modules(reqs))
    files["setup.sh"] = SETUP_SH.format(
        course=course.name, version=course.version, modules=modules
    ).encode("utf-8")
    files["run_autograder"] = RUN_AUTOGRADER.format(
        course=course.name, version=course.version
    ).encode("utf-8")
    if wheels is not None:
        found = sorted(wheels.glob("*.whl")) if wheels.is_dir() else []
        if not found:
            raise GradescopeError(f"{wheels} holds no wheels (*.whl)")
        files.update({f"wheels/{w.name}": w.read_bytes() for w in found})
    return dict(sorted(files.items()))


SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope set-up for {course} {version}. Generated by `hexahype gradescope`: do not edit.
#
# What it needs:
# - python3 (3.10 or later) with venv and pip: apt-get installs them (Gradescope's Ubuntu);
# - git, and bubblewrap to sandbox student code (apt-get); without bubblewrap, student code
#   runs as the unprivileged user nobody, with resource limits;
# - the Python packages of requirements.txt: from wheels/ when the zip carries them (no
#   network), else from PyPI.
# HEXAHYPE_PYTHON=/path/to/python uses that interpreter as it is (nothing installed into it),
# HEXAHYPE_SKIP_APT=1 skips apt-get, HEXAHYPE_AUTOGRADER_ROOT relocates /autograder.
set -euo pipefail
ROOT="${{HEXAHYPE_AUTOGRADER_ROOT:-/autograder}}"
SRC="$ROOT/source"
say() {{ echo "hexahype setup: $*"; }}

if [ -z "${{HEXAHYPE_SKIP_APT:-}}" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "apt-get: python3, python3-venv, python3-pip, git, bubblewrap"
  export DEBIAN_FRONTEND=noninteractive
  if ! {{ apt-get update -qq && apt-get install -y -qq python3 python3-venv python3-pip git bubblewrap; }}; then
    say "apt-get failed; going on with what is installed (no bubblewrap: weaker isolation)"
  fi
fi

PY="${{HEXAHYPE_PYTHON:-}}"
if [ -z "$PY" ]; then
  BASE="$(command -v python3 || true)"
  if [ -z "$BASE" ]; then say "python3 is missing: this needs Python 3.10 or later"; exit 1; fi
  VENV="$ROOT/hexahype-venv"
  "$BASE" -m venv "$VENV"
  PY="$VENV/bin/python"
  if ls "$SRC"/wheels/*.whl >/dev/null 2>&1; then
    say "pip: requirements.txt from the zip's wheels/ (offline)"
    "$PY" -m pip install --quiet --disable-pip-version-check --no-index \\
      --find-links "$SRC/wheels" -r "$SRC/requirements.txt"
  else
    say "pip: requirements.txt from PyPI (needs the network)"
    "$PY" -m pip install --quiet --disable-pip-version-check -r "$SRC/requirements.txt"
  fi
  chmod -R a+rX "$VENV"
fi

if ! "$PY" -c "import sys; sys.exit(sys.version_info < (3, 10))"; then
  say "$PY is older than Python 3.10"; exit 1
fi
if ! "$PY" -c "import {modules}"; then
  say "$PY lacks packages of requirements.txt ({modules})"; exit 1
fi
printf '%s\\n' "$PY" > "$SRC/{python_file}"
# The hidden tests, the instructor-side oracles and the settings stay readable by root alone.
# Student code runs as another user (in bubblewrap, or in namespaces of its own) and reads only
# the kit's runtime, in grader/: that stays readable, its instructor/ folder excepted. The
# interpreter's folder above stays readable; /autograder and source/ are only traversable.
chmod -R go-rwx "$SRC"
chmod a+x "$ROOT" "$SRC" "$SRC/hexahype"
chmod -R a+rX "$SRC/hexahype/grader"
if [ -d "$SRC/hexahype/grader/instructor" ]; then chmod -R go-rwx "$SRC/hexahype/grader/instructor"; fi
say "ready: $("$PY" --version 2>&1), $(command -v bwrap >/dev/null 2>&1 && echo bubblewrap || echo 'no bubblewrap')"
""".replace("{python_file}", PYTHON_FILE)

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope's entry point for {course} {version}: grade /autograder/submission and write
# /autograder/results/results.json. Generated by `hexahype gradescope`: do not edit.
# HEXAHYPE_AUTOGRADER_ROOT relocates /autograder.
set -u
ROOT="${{HEXAHYPE_AUTOGRADER_ROOT:-/autograder}}"
SRC="$ROOT/source"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
PY="$(cat "$SRC/{python_file}" 2>/dev/null || command -v python3)"
status=0
if cd "$SRC/hexahype"; then
  "$PY" -m grader.integrations.gradescope --root "$ROOT" || status=$?
else
  status=1
fi
if [ ! -s "$RESULTS" ]; then
  printf '{{"score": 0, "output": "The autograder could not run (status %s); this is not your code. Your instructor sees why in its log.", "output_format": "text", "tests": []}}\\n' "$status" > "$RESULTS"
fi
# non-zero only for the autograder's own failures (a grading error), never for student code
exit "$status"
""".replace("{python_file}", PYTHON_FILE)


# -- the autograder, in Gradescope's container ---------------------------------------------------
def _files_named(folder: Path, name: str) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP and not d.startswith("."))
        if name in filenames:
            path = Path(dirpath) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return sorted(found, key=lambda p: (len(p.parts), str(p)))


def submission_folder(course: Course, submitted: Path, work: Path) -> Path:
    """The folder to grade: the submission when it is laid out like the course (it has
    exercises/), else one of its folders that is, else a copy of the exercise files found in
    it (an upload of the files alone), laid out as exercises/<chapter>/<file>."""
    if (submitted / "exercises").is_dir():
        return submitted
    for candidate in sorted(p for p in submitted.iterdir() if p.is_dir()):
        if candidate.name not in _SKIP and (candidate / "exercises").is_dir():
            return candidate
    laid = work / "submission"
    for entry in course.entries:
        found = _files_named(submitted, entry.exercise_path.name)
        if found:
            target = laid / "exercises" / entry.package / entry.exercise_path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found[0], target)
    laid.mkdir(parents=True, exist_ok=True)
    return laid


def _part_row(
    lesson: LessonOutcome,
    hidden: bool,
    points: float,
    max_points: float,
    docs: dict[str, str],
    seen: str,
) -> dict[str, Any]:
    tests = lesson.part(hidden)
    kind = "hidden" if hidden else "visible"
    notes = feedback.notes(lesson, docs, hidden=hidden) if tests else feedback.notes(lesson, docs)
    out = feedback.summary(lesson, hidden=hidden) if tests else feedback.first_line(lesson, docs)
    if notes:
        out += "\n" + feedback.text_block(notes)
    passed = bool(tests) and all(t.passed for t in tests)
    return {
        "name": f"{lesson.id} {lesson.title}: {kind} checks",
        "number": f"{lesson.id}.{2 if hidden else 1}",
        "score": points,
        "max_score": max_points,
        "status": "passed" if passed else "failed",
        "output": out,
        "output_format": "text",
        "visibility": seen,
        "tags": [f"lesson {lesson.id}", kind],
    }


def _error_row(lesson: LessonOutcome) -> dict[str, Any]:
    """A lesson the course's own tests could not grade: a failed row worth 0 of 0 points (a row
    needs a score when the top level has none), so that it costs the student nothing."""
    return {
        "name": f"{lesson.id} {lesson.title}: grading error",
        "number": f"{lesson.id}.1",
        "score": 0.0,
        "max_score": 0.0,
        "status": "failed",
        "output": "Grading error: the course's tests of this lesson could not run. This is not "
        "your code, no points were taken for it, and your instructor sees why in the log:\n"
        + feedback.plain(lesson.grading_error),
        "output_format": "text",
        "visibility": "visible",
        "tags": [f"lesson {lesson.id}", "grading error"],
    }


def results_document(
    course: Course, outcome: engine.Outcome, hidden_visibility: str, seconds: float
) -> dict[str, Any]:
    """results.json: per lesson a visible row and (when it has hidden tests) a hidden row, whose
    scores add up to the lesson's points. While hidden rows are not shown, nothing shown carries
    their points: the top-level score is left out (Gradescope then totals the rows, and hides
    that total from students while any row is hidden) and the output names visible points only."""
    rows: list[dict[str, Any]] = []
    visible_points = visible_max = 0.0
    for lesson in outcome.lessons:
        if lesson.grading_error:
            rows.append(_error_row(lesson))
            continue
        visible, hidden = lesson.part(False), lesson.part(True)
        total = lesson.total
        if hidden:
            v_score = score(lesson.max_points, sum(t.passed for t in visible), total)
            v_max = score(lesson.max_points, len(visible), total)
        else:
            v_score, v_max = lesson.points, lesson.max_points
        rows.append(_part_row(lesson, False, v_score, v_max, outcome.docs, "visible"))
        visible_points += v_score
        visible_max += v_max
        if hidden:
            h_score = round(lesson.points - v_score, 2)
            h_max = round(lesson.max_points - v_max, 2)
            rows.append(_part_row(lesson, True, h_score, h_max, outcome.docs, hidden_visibility))
    graded = [lesson for lesson in outcome.lessons if not lesson.grading_error]
    points = total_points(lesson.points for lesson in graded)
    max_points = total_points(lesson.max_points for lesson in graded)
    if hidden_visibility == "visible":
        head = f"{course.name}: {points:g} / {max_points:g} points."
    else:
        head = (
            f"{course.name}: {round(visible_points, 2):g} / {round(visible_max, 2):g} points from "
            f"the visible checks; the hidden checks' rows are shown "
            f"{hidden_visibility.replace('_', ' ')}."
        )
    notes = []
    if outcome.grading_errors:
        ids = ", ".join(lesson.id for lesson in outcome.grading_errors)
        notes.append(
            f"Grading error in lesson {ids}: the course's tests could not run there (not your "
            "code; no points were taken). Your instructor will grade it again."
        )
    if outcome.problem:
        notes.append("Note: " + feedback.plain(outcome.problem))
    doc: dict[str, Any] = {
        "execution_time": int(round(seconds)),
        "output": "\n".join([head, *notes]),
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": rows,
    }
    if hidden_visibility == "visible":
        doc = {"score": points, **doc}
    return doc


def _failed(course: Course, problem: str) -> engine.Outcome:
    lessons = [
        LessonOutcome(e.id, e.title, float(e.points), [], 1)
        for e in course.entries
        if e.test_path.exists() or e.hidden_test_path.exists()
    ]
    return engine.Outcome(lessons=lessons, problem=problem)


def _write(path: Path, doc: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.integrations.gradescope",
        description="Gradescope autograder: grade ROOT/submission into ROOT/results (run in the kit).",
    )
    parser.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV) or DEFAULT_ROOT))
    args = parser.parse_args(argv)
    results = args.root / "results" / "results.json"
    started = time.monotonic()
    kit = Path.cwd()
    if not (kit / manifest.MANIFEST_NAME).is_file():
        message = f"the autograder has no {kit / manifest.MANIFEST_NAME}; rebuild the zip"
        print(f"hexahype autograder: {message}", file=sys.stderr)
        _write(results, {"score": 0, "output": message, "output_format": "text", "tests": []})
        return 1
    try:
        course = manifest.load(kit)
        settings = bundle.read_settings(course.root)
    except (manifest.ManifestError, bundle.BundleError) as exc:
        print(f"hexahype autograder: {exc}", file=sys.stderr)
        _write(results, {"score": 0, "output": str(exc), "output_format": "text", "tests": []})
        return 1
    visibility = str(settings.get("hidden_visibility") or "after_due_date")
    if visibility not in VISIBILITIES:
        visibility = "after_due_date"
    submitted = args.root / "submission"
    with tempfile.TemporaryDirectory(prefix="hexahype-gradescope-") as tmp:
        try:
            if not submitted.is_dir():
                raise engine.EngineError(f"there is no submission folder ({submitted.name}/)")
            folder = submission_folder(course, submitted, Path(tmp))
            outcome = engine.grade_folder(course, folder, "submission", settings)
        except Exception as exc:  # noqa: BLE001 - the submission still gets its results
            outcome = _failed(course, f"grading failed: {exc}")
    doc = results_document(course, outcome, visibility, time.monotonic() - started)
    _write(results, doc)
    print(
        f"{course.name}: {outcome.points:g} / {outcome.max_points:g} points [{outcome.isolation}]"
    )
    for lesson in outcome.grading_errors:
        print(
            f"hexahype autograder: GRADING ERROR in lesson {lesson.id}: {lesson.grading_error}",
            file=sys.stderr,
        )
    return 1 if outcome.grading_errors else 0


if __name__ == "__main__":
    sys.exit(main())
