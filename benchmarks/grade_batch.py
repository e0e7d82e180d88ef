"""Benchmark: a batch of submissions through `hexahype grade`, the local executor against a
Dask LocalCluster of as many worker processes, paired in one run.

    python benchmarks/grade_batch.py [-n 50] [--jobs 2] [--repeats 1] [--executors local dask]

Makes N complete submissions (the reference solutions; every fifth has the stubs of its last
lessons, every fifth another a known mistake from the misconception bank), then grades the whole
batch with each executor in turn, into a fresh gradebook each time, with the isolation this
machine offers. Every round also times a floor (a fixed Python start and loop: the machine is
shared), and each executor's figure is also given in floors. It checks that both executors
wrote the same points. Prints seconds per submission (wall time of the batch / N).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest  # noqa: E402

FLOOR = "import numpy, pytest\nsum(i * i for i in range(1_500_000))"


def make_batch(course: manifest.Course, folder: Path, n: int) -> None:
    lessons = [e for e in course.entries if e.solution_path.exists()]
    bank = ROOT / "grader" / "tests" / "misconceptions"
    for k in range(n):
        dest = folder / f"student{k:03d}"
        for i, lesson in enumerate(lessons):
            target = dest / lesson.exercise_path.relative_to(course.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            stub = k % 5 == 3 and i >= len(lessons) - 3
            shutil.copyfile(lesson.exercise_path if stub else lesson.solution_path, target)
            mistakes = sorted((bank / lesson.package / lesson.name).glob("*.py"))
            if k % 5 == 4 and i == k % len(lessons) and mistakes and lesson.is_lesson:
                bug = mistakes[k % len(mistakes)].read_text(encoding="utf-8")
                target.write_text(target.read_text(encoding="utf-8") + "\n\n" + bug)


def floor() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR], check=True)
    return time.perf_counter() - began


def grade(batch: Path, book: Path, executor: str, jobs: int) -> float:
    cmd = [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(book)]
    cmd += ["--jobs", str(jobs), "--executor", executor]
    began = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(
            f"{executor}: exit {proc.returncode}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    return took


def points(book: Path) -> dict[tuple[str, str], float]:
    with sqlite3.connect(book) as con:
        rows = con.execute(
            "SELECT s.student, l.lesson, l.points FROM lessons l JOIN submissions s "
            "ON s.id = l.submission_id"
        ).fetchall()
    return {(s, lesson): p for s, lesson, p in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--submissions", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--executors", nargs="+", default=["local", "dask"])
    args = parser.parse_args()
    course = manifest.load(ROOT)
    work = Path(tempfile.mkdtemp(prefix="hexahype-bench-"))
    try:
        make_batch(course, work / "batch", args.submissions)
        times: dict[str, list[float]] = {e: [] for e in args.executors}
        ratios: dict[str, list[float]] = {e: [] for e in args.executors}
        seen: dict[str, dict[tuple[str, str], float]] = {}
        for r in range(args.repeats):
            order = args.executors if r % 2 == 0 else args.executors[::-1]
            for executor in order:
                base = floor()
                book = work / f"{executor}-{r}.sqlite"
                took = grade(work / "batch", book, executor, args.jobs)
                times[executor].append(took)
                ratios[executor].append(took / base)
                seen[executor] = points(book)
                print(f"round {r + 1}: {executor} {took:.1f} s (floor {base:.2f} s)", flush=True)
        n = args.submissions
        print(f"\n{n} submissions, --jobs {args.jobs}, {os.cpu_count()} cores")
        try:
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        except OSError:
            pass
        for executor in args.executors:
            t = statistics.median(times[executor])
            f = statistics.median(ratios[executor])
            print(
                f"{executor:<8}{t:8.1f} s for the batch, {t / n:6.2f} s per submission, "
                f"{f:.1f} floors"
            )
        same = len({tuple(sorted(p.items())) for p in seen.values()}) == 1
        print(f"same points from every executor: {'yes' if same else 'NO'}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
