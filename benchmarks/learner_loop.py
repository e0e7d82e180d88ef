"""Benchmark the learner loop: wall time, interpreter start-up included, of

- `pytest` on one lesson's visible tests (lesson 1.3 by default),
- `hexahype check` on that lesson,
- `pytest` on every visible test,
- `hexahype` with no arguments (the dashboard, with its state up to date),

each paired with the floor, `python -c "import pytest, numpy"`, run just before it in the same
round, so that the ratio command / floor cancels out how busy the machine is. It works on a
throw-away copy of the course, with untouched stubs and with the reference solutions copied in,
and prints medians. Target: one lesson within 1.3x of the floor (issue 24).

Then, once (`--no-hang` skips it), the same lesson with a `merge` that never advances its index
(the infinite-loop golden submission): the time `hexahype check` takes to report it, wall and
CPU (the kit's time limits count CPU time, so on a busy machine the wall time grows). Target:
under 10 s.

Bytecode caching is on, as on a learner's machine, and pytest loads only the plugins of a
learner's install (the kit's and pytest-timeout; `--all-plugins` loads every one installed).

    python benchmarks/learner_loop.py [--repeat 7] [--lesson 1.3] [--no-hang] [--all-plugins]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
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
HANG = ROOT / "grader" / "tests" / "goldens" / "infinite_loop" / "overlay"
TARGET_RATIO = 1.3
HANG_LIMIT = 30.0  # seconds: a run that takes longer is reported as "did not finish"


# A learner's Python caches bytecode (and pytest its rewritten test modules): so do the runs here.
ENV = {
    k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS")
}
# A learner's install (`make`) has two pytest plugins, the kit's and pytest-timeout; a maintainer's
# (`make setup-dev`) has more (xdist, and anyio and platformdirs through Jupyter), each adding
# start-up time that no learner pays. Only the learner's two are loaded, unless --all-plugins.
LEARNER_PLUGINS = {
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "PYTEST_PLUGINS": "grader.learner.plugin,pytest_timeout",
}


def once(cmd: list[str], cwd: Path, timeout: float | None = None) -> float:
    """Seconds `cmd` took; inf when it ran past `timeout` (it is then killed, children too)."""
    start = time.perf_counter()
    with subprocess.Popen(
        cmd,
        cwd=cwd,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as proc:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return float("inf")
    return time.perf_counter() - start


def paired(cmd: list[str], floor: list[str], cwd: Path, repeat: int) -> tuple[float, float, float]:
    """(median seconds, median floor seconds, median of the per-round ratios)."""
    once(cmd, cwd)  # warm up: bytecode caches, the OS's file cache
    times, floors, ratios = [], [], []
    for _ in range(repeat):
        base = once(floor, cwd)
        secs = once(cmd, cwd)
        times.append(secs)
        floors.append(base)
        ratios.append(secs / base)
    return statistics.median(times), statistics.median(floors), statistics.median(ratios)


def copy_course(dest: Path) -> manifest.Course:
    dest.mkdir()
    for part in PARTS:
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    return manifest.load(dest)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--lesson", default="1.3")
    ap.add_argument("--no-hang", action="store_true", help="skip the infinite-loop run")
    ap.add_argument(
        "--all-plugins",
        action="store_true",
        help="load every pytest plugin of this environment, not only a learner install's two",
    )
    args = ap.parse_args()
    if not args.all_plugins:
        ENV.update(LEARNER_PLUGINS)
    bindir = Path(sys.executable).parent
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    floor = [sys.executable, "-c", "import pytest, numpy"]
    hexahype = (
        [str(bindir / "hexahype")]
        if (bindir / "hexahype").exists()
        else [sys.executable, "-m", "grader"]
    )
    rows = []
    hang_row = None
    with tempfile.TemporaryDirectory(prefix="hexahype-bench-") as tmp:
        model = copy_course(Path(tmp) / "course")
        course = model.root
        lesson = model.get(args.lesson)
        one = [str(lesson.test_path.relative_to(model.root))]
        for label in ("stubs", "solutions"):
            if label == "solutions":
                for entry in model.entries:
                    if entry.authored:
                        shutil.copy(entry.solution_path, entry.exercise_path)
            once(hexahype, course)  # bring the state up to date
            for name, cmd in (
                (f"pytest {one[0]}", pytest + one),
                (f"hexahype check {lesson.id}", [*hexahype, "check", lesson.id]),
                ("pytest (all visible tests)", pytest),
                ("hexahype (dashboard)", hexahype),
            ):
                rows.append((name, label, *paired(cmd, floor, course, args.repeat)))
        if not args.no_hang and HANG.is_dir():
            hang = copy_course(Path(tmp) / "hang")
            for src in HANG.rglob("*.py"):
                shutil.copy(src, hang.root / src.relative_to(HANG))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            secs = once([*hexahype, "check", "1.3"], hang.root, timeout=HANG_LIMIT)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            hang_row = ("hexahype check 1.3, merge never advances i", secs, cpu)
    width = max(len(r[0]) for r in rows)
    print(f"median of {args.repeat} rounds, wall time, interpreter start-up included")
    print('floor: python -c "import pytest, numpy", run just before each command in every round')
    plugins = "all of this environment's" if args.all_plugins else "a learner install's two"
    print(f"pytest plugins: {plugins}")
    print(f"{'command':<{width}}  {'exercises':<9}  seconds  floor   ratio")
    for cmd, label, secs, base, ratio in rows:
        print(f"{cmd:<{width}}  {label:<9}  {secs:6.3f}  {base:6.3f}  {ratio:5.2f}x")
    lesson_ratios = [r[4] for r in rows if r[0] == f"pytest {one[0]}"]
    worst = max(lesson_ratios)
    verdict = "within" if worst <= TARGET_RATIO else "OVER"
    print(f"one lesson: at most {worst:.2f}x the floor, {verdict} the {TARGET_RATIO}x target")
    if hang_row is not None:
        name, secs, cpu = hang_row
        if secs == float("inf"):
            print(f"{name}: did not finish in {HANG_LIMIT:.0f} s (target: under 10 s)")
        else:
            # CPU time is what the run would take on an idle machine; the limits count it
            print(f"{name}: {secs:.1f} s, {cpu:.1f} s of CPU time (target: under 10 s)")


if __name__ == "__main__":
    main()
