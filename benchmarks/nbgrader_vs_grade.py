"""Time `nbgrader autograde` against the kit's grading on the same submissions, side by side.

    python benchmarks/nbgrader_vs_grade.py                   # 10 submissions, whole course
    python benchmarks/nbgrader_vs_grade.py -n 4 --lessons 1.3 1.4 1.10

Builds an nbgrader course with `hexahype nbgrader`, releases it, makes N submissions (reference
solutions, stubs, and solutions with known mistakes from the misconception bank, mixed per
lesson), and grades the same code twice:
- nbgrader: each submission as notebooks (`nbgrader autograde`, one call per assignment);
- the kit: each submission as an `exercises/` folder, with `hexahype grade` for the whole course,
  or, for a subset of lessons (or when `hexahype grade` is missing), the kit's visible and hidden
  suites through `grader.runs.run_suite`, one child pytest per submission.
It prints both wall times, the ratio, and whether the per-lesson points agree. Everything is
written to a temporary folder (kept with --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader import manifest, runs
from grader import notebooks as nbs
from grader.integrations.nbgrader import export as nx
from grader.tests.nbgrader_helpers import fill_notebook


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HEXAHYPE_", "PYTEST"))}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


def _run(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=_env())
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(cmd[:4])} failed (exit {proc.returncode}):\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    return took


def make_submission(
    course: manifest.Course, entries: list[manifest.Lesson], k: int, folder: Path
) -> Path:
    """Submission k: solutions, stubs, or per lesson a solution, a stub or a known mistake."""
    root = course.root
    impl = folder / f"student{k:02d}"
    shutil.copytree(root / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    if k == 0:
        return impl
    bank = root / "grader" / "tests" / "misconceptions"
    for i, entry in enumerate(entries):
        target = impl / entry.package / entry.exercise_path.name
        choice = (k + i) % 3 if k > 1 else 0
        if choice == 0 or entry.is_quiz and choice == 2:
            shutil.copy(entry.exercise_path, target)  # not started
        elif choice == 2:
            mistakes = sorted((bank / entry.package / entry.name).glob("*.py"))
            if mistakes:
                bug = mistakes[(k + i) % len(mistakes)].read_text(encoding="utf-8")
                target.write_text(target.read_text(encoding="utf-8") + "\n\n" + bug)
    return impl


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--submissions", type=int, default=10)
    parser.add_argument("--lessons", nargs="*", default=None, help="entry ids (default: all)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder, kept")
    args = parser.parse_args(argv)
    course = manifest.load(Path(__file__).resolve().parents[1])
    complete = [e for e in course.entries if all(p.exists() for p in e.files().values())]
    entries = [e for e in complete if not args.lessons or e.id in args.lessons]
    work = args.keep or Path(tempfile.mkdtemp(prefix="hexahype-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "course"
    export = nx.write_course(course, out, [e.id for e in entries])
    for assignment in export.assignments:
        _run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"], out)
    impls = [make_submission(course, entries, k, work / "impl") for k in range(args.submissions)]
    for impl in impls:
        for entry in entries:
            release = out / "release" / entry.package / nx.notebook_name(entry)
            nb = fill_notebook(json.loads(release.read_text(encoding="utf-8")), entry, impl)
            nbs.write(nb, out / "submitted" / impl.name / entry.package / nx.notebook_name(entry))

    print(f"{args.submissions} submissions, {len(entries)} entries each, {os.cpu_count()} cores")
    nb_time = 0.0
    for assignment in export.assignments:
        nb_time += _run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], out)

    from nbgrader.api import Gradebook

    nb_points: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gb:
        for impl in impls:
            nb_points[impl.name] = {
                e.id: float(
                    gb.find_submission_notebook(
                        nx.notebook_name(e)[: -len(".ipynb")], e.package, impl.name
                    ).score
                )
                for e in entries
            }

    kit_points: dict[str, dict[str, float]] = {}
    whole = len(entries) == len(complete)
    try:
        import grader.grading.grade  # noqa: F401
        from grader.grading.gradebook import Gradebook as KitGradebook
    except ImportError:
        whole = False
    if whole:
        label = "hexahype grade"
        batch = work / "repos"
        for impl in impls:
            shutil.copytree(impl, batch / impl.name / "exercises", dirs_exist_ok=True)
        book = work / "kit-gradebook.sqlite"
        if book.exists():
            book.unlink()
        cmd = [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(book)]
        kit_time = _run(cmd, course.root)
        with KitGradebook(book) as kb:
            kit_points = {s: dict(v) for s, v in kb.summary().items()}
    else:
        label = "kit suites (run_suite)"
        files = runs.test_files(entries, hidden=True)
        start = time.perf_counter()
        for impl in impls:
            _, doc, _ = runs.run_suite(course.root, files, impl, env=_env())
            kit_points[impl.name] = {x.id: x.points for x in (doc.lessons if doc else [])}
        kit_time = time.perf_counter() - start

    agree = all(
        nb_points[s][e.id] == kit_points.get(s, {}).get(e.id) for s in nb_points for e in entries
    )
    n = args.submissions
    print(f"{'nbgrader autograde':<24}{nb_time:8.1f} s   {nb_time / n:6.2f} s per submission")
    print(f"{label:<24}{kit_time:8.1f} s   {kit_time / n:6.2f} s per submission")
    print(f"ratio nbgrader / kit: {nb_time / kit_time:.2f}x")
    print(f"per-lesson points agree: {'yes' if agree else 'NO'}")
    if not agree:
        for s in nb_points:
            for e in entries:
                a, b = nb_points[s][e.id], kit_points.get(s, {}).get(e.id)
                if a != b:
                    print(f"  {s} {e.id}: nbgrader {a}, kit {b}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
