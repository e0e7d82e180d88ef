"""Benchmark: where the time of one complete submission goes, and before/after, paired.

    python benchmarks/grade_profile.py [--repeats 5] [--baseline REF] [--cprofile] [--json OUT]

Grades one complete submission (the reference solutions of every authored lesson, visible and
hidden suites, the release's tamper check, a gradebook write) a few times, with the isolation
this machine offers (bubblewrap when it works), and reports the median of each part:

- the grader's side: reading and staging the submission, the tamper check, the worker's
  folder, the harness (the child pytest), scoring the rows, the gradebook write;
- inside the harness (`HEXAHYPE_PROFILE`, see grader/grading/harness.py): interpreter and pytest
  start, collection, the tests; their setup, call and teardown phases; the worker round trips
  by kind, the bytes they carry, worker starts and their time to the first answer;
- inside the worker: its boot (tokenizers built before the first request), module imports,
  time in the lesson code, decoding arguments and encoding answers.

Each kit grades one untimed submission first (what a batch pays once stays out of the
figures; the collection is timed separately by grade_submission.py). The machine may be shared
and noisy, so every round also times a floor (a fixed Python start
and loop) and each figure is also given as a ratio to the floor of its own round. With
`--baseline REF` the same rounds also grade with the kit of git commit REF (exported to a
temporary folder), alternating with this tree, so before and after are paired in one run.
`--cprofile OUT` adds one run under cProfile and lists the largest costs of each harness process
(OUT: the hidden suites' run, OUT.2: the visible suites').
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import numpy, pytest\nsum(i * i for i in range(1_500_000))"


# -- the child: one kit tree, graded on request ----------------------------------------------
def child(root: Path) -> int:
    """Grade one complete submission with the kit at `root` each time a line arrives on stdin;
    answer with one JSON line of timings."""
    sys.path.insert(0, str(root))
    os.chdir(root)
    from grader import manifest
    from grader.grading import batch, harness, staging, tamper
    from grader.grading.gradebook import Gradebook

    course = manifest.load(root)
    release = tamper.load_release(course, None)
    opts = batch.Options(limits=harness.Limits(test_timeout=30), release=release)
    plan = batch.plan(course, opts)
    full = sum(e.points for e in plan.lessons)
    work = Path(tempfile.mkdtemp(prefix="hexahype-profile-"))
    sub_dir = work / "submission"
    for lesson in course.entries:
        if lesson.solution_path.exists():
            target = sub_dir / lesson.exercise_path.relative_to(course.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(lesson.solution_path, target)
    sub = batch.Submission("one", str(sub_dir), str(sub_dir))
    parts: dict[str, float] = {}

    def timed(module: Any, name: str, key: str) -> None:
        real = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                parts[key] = parts.get(key, 0.0) + time.perf_counter() - began

        setattr(module, name, wrapper)

    timed(staging, "stage", "stage")
    timed(tamper, "changes", "tamper")
    timed(batch, "_worker_config", "worker_folder")
    timed(harness, "run", "harness")
    timed(batch, "_rows", "rows")
    # one untimed run first: what a batch pays once (a fork server, first imports) stays out
    batch.grade_one(course, plan, sub, opts, lambda s, c: False)
    print(json.dumps({"ready": True, "tests": sum(len(v) for v in plan.expected.values())}))
    sys.stdout.flush()
    for line in sys.stdin:
        request = json.loads(line)
        parts.clear()
        prof = Path(tempfile.mkdtemp(prefix="p-", dir=work))
        os.environ["HEXAHYPE_PROFILE"] = str(prof)
        os.environ["HEXAHYPE_PROFILE_PYTHON"] = "1" if request.get("cprofile") else "0"
        began = time.perf_counter()
        result = batch.grade_one(course, plan, sub, opts, lambda s, c: False)
        graded = time.perf_counter()
        assert result.graded is not None and result.graded.points == full, result.line()
        with Gradebook(work / "gradebook.sqlite") as book:
            written = time.perf_counter()
            book.record(result.graded)
        done = time.perf_counter()
        parts["gradebook_open"] = written - graded
        parts["gradebook_write"] = done - written
        inside = [json.loads(p.read_text()) for p in prof.glob("*.json")]
        profs = [str(p) for p in prof.glob("*.prof")]
        answer = {"total": graded - began, "parts": dict(parts), "harness": inside, "prof": profs}
        print(json.dumps(answer))
        sys.stdout.flush()
    shutil.rmtree(work, ignore_errors=True)
    return 0


# -- the parent --------------------------------------------------------------------------------
class Variant:
    def __init__(self, name: str, root: Path) -> None:
        self.name = name
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.info = self._read()
        self.runs: list[dict[str, Any]] = []

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name}: the grading child stopped")
        return dict(json.loads(line))

    def run(self, cprofile: bool = False) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cprofile": cprofile}) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def floor() -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", FLOOR], check=True)
    return time.perf_counter() - began


def export(ref: str, dest: Path) -> Path:
    """The kit of commit `ref`, as files (no .git)."""
    dest.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _add(into: dict[str, Any], more: dict[str, Any]) -> None:
    """Sum `more` into `into`: numbers, dicts of numbers, and lists of numbers (by_name)."""
    for key, value in more.items():
        if isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        elif isinstance(value, list):
            into[key] = [a + b for a, b in zip(into.get(key, [0] * len(value)), value)]
        elif isinstance(value, (int, float)):
            into[key] = into.get(key, 0) + value


def combine(files: list[dict[str, Any]]) -> dict[str, Any]:
    """One submission's harness profiles (one per harness run: the visible suites, the hidden
    ones...) as one: every span and counter summed."""
    out: dict[str, Any] = {"runs": len(files), "harness": {}, "worker": {}, "phases": {}}
    for h in files:

        def span(a: str, b: str, h: dict[str, Any] = h) -> float:
            return float(h[b] - h[a]) if h.get(a) and h.get(b) else 0.0

        _add(
            out,
            {
                "start": span("process_started", "configured"),
                "collect": span("configured", "collected"),
                "gap": span("collected", "first_test"),
                "tests": span("first_test", "finished"),
                "phases": h.get("phases", {}),
                "harness": h.get("harness", {}),
                "worker": h.get("worker", {}),
            },
        )
    return out


def breakdown(runs: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """(label, median seconds) of each part, the grader's then the harness's then the worker's."""
    rows: list[tuple[str, float]] = []

    def add(label: str, values: list[float]) -> None:
        if values:
            rows.append((label, med(values)))

    for key, label in (
        ("stage", "read and stage the submission"),
        ("tamper", "tamper check"),
        ("worker_folder", "worker folder and config"),
        ("harness", "harness (child pytest), start to exit"),
        ("rows", "score the rows"),
        ("gradebook_write", "gradebook write (one transaction)"),
    ):
        add(label, [r["parts"].get(key, 0.0) for r in runs])
    inside = [combine(r["harness"]) for r in runs if r["harness"]]
    if not inside:
        return rows
    add("  harness runs (visible, hidden...)", [h["runs"] for h in inside])
    add("  interpreter, pytest and plugins start", [h["start"] for h in inside])
    add("  collection (imports the test modules)", [h["collect"] for h in inside])
    add("  collected to the first test", [h["gap"] for h in inside])
    add("  the tests", [h["tests"] for h in inside])
    for phase in ("setup", "call", "teardown"):
        add(f"    {phase} phases, summed", [h["phases"].get(phase, 0.0) for h in inside])
    trips = [h["harness"] for h in inside]
    ops = sorted({op for t in trips for op in t["requests"]})
    add("    round trips, all", [sum(t["request_s"].values()) for t in trips])
    for op in ops:
        n = med([t["requests"].get(op, 0) for t in trips])
        add(f"      {op} ({n:.0f})", [t["request_s"].get(op, 0.0) for t in trips])
    add("    encode arguments (harness)", [t["encode_s"] for t in trips])
    add("    decode answers (harness)", [t["decode_s"] for t in trips])
    add("    worker starts to first answer", [t["ready_s"] for t in trips])
    calls = [h["phases"].get("call", 0.0) - sum(h["harness"]["request_s"].values()) for h in inside]
    add("    test bodies outside round trips", calls)
    workers = [h["worker"] for h in inside if h["worker"]]
    for key, label in (
        ("boot_s", "worker boot (tokenizers built before the first request)"),
        ("tokenizer_s", "worker tokenizer builds, all"),
        ("load_s", "worker imports of the lesson modules"),
        ("call_s", "worker time in the lesson code"),
        ("decode_s", "worker decoding arguments"),
        ("encode_s", "worker encoding answers"),
    ):
        add(f"  {label}", [w.get(key, 0.0) for w in workers])
    rows.append(("  bytes to the worker (MB)", med([t["bytes_out"] / 1e6 for t in trips])))
    rows.append(("  bytes from the worker (MB)", med([t["bytes_in"] / 1e6 for t in trips])))
    names = sorted(trips[-1].get("by_name", {}).items(), key=lambda kv: kv[1][1], reverse=True)[:8]
    for name, (n, seconds, sent) in names:
        rows.append((f"  round trips to {name} ({n:.0f}, {sent / 1e6:.1f} MB sent)", seconds))
    return rows


def show_cprofile(path: str, limit: int = 25) -> None:
    stats = pstats.Stats(path)
    total = max(v[3] for v in stats.stats.values())  # type: ignore[attr-defined]
    print(f"\ncProfile of the harness process ({total:.2f} s under the profiler)")
    wanted = ("grader/", "tests/", "tiktoken", "_pytest/main.py", "_pytest/python.py", "rewrite")
    rows = []
    for (file, line, func), (_, _, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        if any(w in file for w in wanted) and ct > 0.02 * total:
            short = file.split("site-packages/")[-1].split(str(ROOT) + "/")[-1]
            rows.append((ct, tt, f"{short}:{line}({func})"))
    for ct, tt, name in sorted(rows, reverse=True)[:limit]:
        print(f"  {ct:7.2f} s cumulative {tt:6.2f} s own  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline", default=None, help="a git commit to compare with")
    parser.add_argument(
        "--cprofile", type=Path, default=None, metavar="OUT", help="keep the cProfile here"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the runs here")
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        return child(args.child)
    tmp = Path(tempfile.mkdtemp(prefix="hexahype-bench-"))
    variants = [Variant("this tree", ROOT)]
    if args.baseline:
        variants.insert(0, Variant(f"baseline {args.baseline}", export(args.baseline, tmp / "b")))
    floors: list[float] = []
    try:
        for i in range(args.repeats):
            floors.append(floor())
            order = variants if i % 2 == 0 else variants[::-1]
            for v in order:
                run = v.run()
                run["floor"] = floors[-1]
                v.runs.append(run)
        prof = variants[-1].run(cprofile=True) if args.cprofile else None
        if prof and prof["prof"]:  # the child removes its folder when it stops
            # OUT is the hidden suites' harness run, OUT.2 the visible one's (by their names)
            prof["prof"] = [
                shutil.copy(src, f"{args.cprofile}{f'.{i + 1}' if i else ''}")
                for i, src in enumerate(sorted(prof["prof"]))
            ]
    finally:
        for v in variants:
            v.close()
    tests = variants[-1].info["tests"]
    print(f"one complete submission: {tests} tests; cores: {os.cpu_count()}")
    try:
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    except OSError:
        pass
    print(f"floor (python start + numpy, pytest + a loop): median {med(floors):.2f} s")
    for v in variants:
        totals = [r["total"] for r in v.runs]
        ratios = [r["total"] / r["floor"] for r in v.runs]
        print(
            f"{v.name}: median {med(totals):.2f} s, {med(ratios):.2f} floors "
            f"(runs: {', '.join(f'{t:.2f}' for t in totals)})"
        )
    if len(variants) == 2:
        pairs = [a["total"] / b["total"] for a, b in zip(variants[0].runs, variants[1].runs)]
        print(f"paired ratio baseline / this tree: median {med(pairs):.2f}x")
    for v in variants:
        print(f"\nwhere the time goes, {v.name} (medians, seconds)")
        for label, value in breakdown(v.runs):
            print(f"  {label:<62}{value:8.3f}")
    for path in prof["prof"] if prof else []:
        show_cprofile(str(path))
    if args.json:
        args.json.write_text(json.dumps({v.name: v.runs for v in variants}, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
