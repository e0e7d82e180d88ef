"""Benchmark: the authoritative grader on complete submissions, through the sandboxed worker.

Grades one complete submission (the reference solutions: every authored lesson, visible and
hidden suites) a few times, then a batch of 20 copies of it in parallel, with the isolation
level this machine offers (bubblewrap when it works). Prints the medians. Every run must score
full points, or the benchmark fails.

    python benchmarks/grade_submission.py [--repeats 3] [--batch 20] [--jobs N]

The collection of the instructor's test ids happens once per batch and is timed on its own.
Everything is written to a temporary folder; the course is read where it is.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest  # noqa: E402
from grader.grading import batch, harness, sandbox  # noqa: E402
from grader.grading.sources import Submission  # noqa: E402


def make_submission(dest: Path, course: manifest.Course) -> None:
    for lesson in course.entries:
        if lesson.solution_path.exists():
            target = dest / lesson.exercise_path.relative_to(course.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lesson.solution_path, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    course = manifest.load(ROOT)
    opts = batch.Options(limits=harness.Limits(test_timeout=30))
    started = time.monotonic()
    plan = batch.plan(course, opts)
    collect_s = time.monotonic() - started
    tests = sum(len(v) for v in plan.expected.values())
    print(f"isolation: {plan.level}; {len(plan.lessons)} entries, {tests} tests")
    print(f"collection of the test ids (once per batch): {collect_s:.2f} s")
    full = sum(e.points for e in plan.lessons)
    with tempfile.TemporaryDirectory(prefix="hexahype-bench-") as tmp:
        work = Path(tmp)
        make_submission(work / "one", course)
        sub = Submission("one", str(work / "one"), str(work / "one"))
        singles = []
        for _ in range(args.repeats):
            t0 = time.monotonic()
            result = batch.grade_one(course, plan, sub, opts, lambda s, c: False)
            singles.append(time.monotonic() - t0)
            assert result.graded is not None and result.graded.points == full, result.line()
        print(
            f"one submission: median {statistics.median(singles):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in singles)})"
        )
        subs = []
        for i in range(args.batch):
            folder = work / "batch" / f"student{i:02d}"
            make_submission(folder, course)
            subs.append(Submission(folder.name, str(folder), str(folder)))
        t0 = time.monotonic()
        each = []
        for result in batch.grade_all(course, subs, opts, args.jobs, set(), plan):
            assert result.graded is not None and result.graded.points == full, result.line()
            each.append(result.graded.duration)
        total = time.monotonic() - t0
        print(
            f"batch of {args.batch} with {args.jobs} jobs: {total:.2f} s, "
            f"{total / args.batch:.2f} s per submission"
        )
    print(f"cores: {os.cpu_count()}; bwrap available: {sandbox.bwrap_works()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
