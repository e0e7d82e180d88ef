"""Benchmark the learner loop: wall time, interpreter start-up included, of

- `pytest` on one lesson's visible tests (lesson 1.3 by default),
- `pytest` on every visible test,
- `hexahype` with no arguments (the dashboard, with its state up to date).

It works on a throw-away copy of the course, with untouched stubs and with the reference
solutions copied in, and prints medians. Target: one lesson under 0.5 s on 2 cores.

    python benchmarks/learner_loop.py [--repeat 7] [--lesson 1.3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest  # noqa: E402

PARTS = ("course.toml", "pyproject.toml", "exercises", "solutions", "tests", "lessons")


def timed(cmd: list[str], cwd: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--lesson", default="1.3")
    args = ap.parse_args()
    bindir = Path(sys.executable).parent
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    hexahype = (
        [str(bindir / "hexahype")]
        if (bindir / "hexahype").exists()
        else [sys.executable, "-m", "grader"]
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="hexahype-bench-") as tmp:
        course = Path(tmp) / "course"
        course.mkdir()
        for part in PARTS:
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, course / part)
        model = manifest.load(course)
        lesson = model.get(args.lesson)
        one = [str(lesson.test_path.relative_to(model.root))]
        for label in ("stubs", "solutions"):
            if label == "solutions":
                for entry in model.entries:
                    if entry.authored:
                        shutil.copy(entry.solution_path, entry.exercise_path)
            subprocess.run(hexahype, cwd=course, capture_output=True)  # bring the state up to date
            rows.append((f"pytest {one[0]}", label, timed(pytest + one, course, args.repeat)))
            rows.append(("pytest (all visible tests)", label, timed(pytest, course, args.repeat)))
            rows.append(("hexahype (dashboard)", label, timed(hexahype, course, args.repeat)))
        rows.append(
            (
                "python -c 'import numpy' (floor)",
                "-",
                timed([sys.executable, "-c", "import numpy"], course, args.repeat),
            )
        )
    width = max(len(r[0]) for r in rows)
    print(f"median of {args.repeat} runs, wall time, interpreter start-up included")
    print(f"{'command':<{width}}  {'exercises':<9}  seconds")
    for cmd, label, secs in rows:
        print(f"{cmd:<{width}}  {label:<9}  {secs:6.3f}")


if __name__ == "__main__":
    main()
