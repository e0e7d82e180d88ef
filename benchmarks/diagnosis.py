"""Benchmark the feedback on known mistakes: the kit's misconception bank, or the held-out bank.

For every entry of grader/tests/misconceptions/ (each one wrong implementation appended to the
reference solution), run the lesson's *visible* tests, as a learner would, and report

- caught: the share of entries that at least one visible test fails;
- named: the share whose first failing message names the mistake, that is contains the entry's
  EXPECT phrase or the entry's own explanation (the first sentence of its docstring);
- named, leave-one-out: the same with the entry's own record removed from the kit's
  differential-diagnosis data (env HEXAHYPE_DIAGNOSIS_EXCLUDE), so only the generic detectors,
  the tests' hints and the other entries can name it: an estimate of how the feedback does on a
  mistake the kit has never seen. Counted over entries with an EXPECT phrase;
- the one-lesson learner loop (`pytest tests/<lesson file>` on a copy of the course, with the
  untouched stubs, and with a wrong solution so that a diagnosis is computed) against the
  `python -c "import pytest, numpy"` floor, runs paired one after the other.

    python benchmarks/diagnosis.py [--jobs 2] [--repeat 9] [--lessons 1.3 2.4] [--json OUT]
        [--no-loo] [--no-timing | --timing-only] [--only 2.4]

`--heldout` measures the held-out bank instead (benchmarks/heldout/<chapter>/<module>/*.py,
mistakes the kit was never tuned to; see benchmarks/heldout/README.md), with no leave-one-out
and no timing:

    python benchmarks/diagnosis.py --heldout [--jobs 2] [--only 2.4] [--json OUT] [--verbose]
    python benchmarks/diagnosis.py --rejudge SAVED.json [--json OUT]   (the judging rule only)

`--bank benchmarks/validation` measures the development bank the same way: mistakes in the
held-out format, different from both other banks, whose messages may be read and worked from
(benchmarks/validation/README.md). What it finds is then measured on the held-out bank once.

Judging rule for the held-out bank, per entry, on the lesson's *visible* tests only:

- caught: at least one visible test fails (or errors);
- the *first failing message* is the message of the first failing test in the file's order
  (what `hexahype check` shows first). Its *cause* is its text from the first of the markers
  "Likely mistake:", "Diagnosis:" or "Hint:" to its end, leaving out a "Hint:" that only says
  where the values differ ("2 of 6 values differ; first at ...", "first difference at index 3",
  which some checks pass as their hint: it names no cause);
- "Where it first differs:" (which of the learner's own parts of a forward pass or a
  generation first differs on the reference's input to it) is an observation as well: it is
  left out before judging, wherever it stands in the message;
- "How it differs:" is not a marker: it introduces an observation (what the numbers show,
  such as "exactly 2 times the expected value"), which the diagnosis gives when it has no
  evidence for a cause (grader/diagnosis/__init__.py). A message whose only diagnosis is an
  observation has no cause, so it is unnamed, whatever the observation's words;
- named-correct: the first message has a cause, and the cause contains one of the entry's
  EXPECT phrases (case-insensitive substring; EXPECT is a string or a list of strings);
- named-wrong: the first message has a cause that contains none of them;
- unnamed: the first message has no cause (it says only what came back and what was expected,
  or what was raised).
Shares are reported over the caught entries (the issue's measure) and over all entries.

Time the loop with the learner's environment (`pip install -e .`, no dev extras): the dev
extras bring pytest plugins of their own, which slow every pytest start.

Timings are wall-clock and CPU seconds of the child processes, interpreter start-up included
(CPU time is far less disturbed by other work on a shared machine); run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import manifest, runs  # noqa: E402
from grader.authoring import verify  # noqa: E402
from grader.results import TestStatus  # noqa: E402

PARTS = ("course.toml", "pyproject.toml", "exercises", "solutions", "tests", "lessons")


HELDOUT = ROOT / "benchmarks" / "heldout"
CAUSE_MARKERS = ("Likely mistake:", "Diagnosis:", "Hint:")


def expect_phrases(source: str) -> list[str]:
    """The entry's EXPECT: a string, or a list of acceptable strings ([] when it has none)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
            "EXPECT"
        ]:
            value = ast.literal_eval(node.value)
            return [value] if isinstance(value, str) else [str(v) for v in value]
    return []


def expect_phrase(source: str) -> str:
    """The first EXPECT phrase ("" when none): the misconception bank has one each."""
    phrases = expect_phrases(source)
    return phrases[0] if phrases else ""


# "How it differs:" (an observation, not a cause) is deliberately not among the markers.
# A "Hint:" that only says where the values differ (close()'s or first_difference()'s report,
# which some checks pass as their hint) names no cause: it is left out before judging.
NOT_A_CAUSE = re.compile(
    r" ?Hint: (\d+ of \d+ values differ|first difference at|lengths differ|shape \(|"
    r"expected a numpy array)[^\n]*$"
)


# "Where it first differs: ..." (grader.testing.localise: which of the learner's own parts first
# differs on the reference's input) is an observation too, wherever it stands: left out.
WHERE = re.compile(r" ?Where it first differs: [^\n]*$")


def cause(message: str) -> str:
    """The part of a failing message that names a cause: from its first marker to its end."""
    message = NOT_A_CAUSE.sub("", WHERE.sub("", message))
    found = [message.find(m) for m in CAUSE_MARKERS if m in message]
    return message[min(found) :] if found else ""


def judge(first: str, phrases: list[str]) -> str:
    """named-correct, named-wrong or unnamed (see the judging rule in the docstring)."""
    named_cause = cause(first).lower()
    if not named_cause:
        return "unnamed"
    return "named-correct" if any(p.lower() in named_cause for p in phrases) else "named-wrong"


def explanation(source: str) -> str:
    """The first sentence of the entry's docstring, on one line."""
    doc = ast.get_docstring(ast.parse(source)) or ""
    text = " ".join(doc.split())
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return (m.group(1) if m else text).strip()


def entry_key(entry: manifest.Lesson, path: Path) -> str:
    return f"{entry.package}/{entry.name}/{path.stem}"


def run_entry(entry: manifest.Lesson, path: Path, exclude: bool) -> dict:
    source = path.read_text(encoding="utf-8")
    env = dict(os.environ)
    if exclude:
        env["HEXAHYPE_DIAGNOSIS_EXCLUDE"] = entry_key(entry, path)
    with tempfile.TemporaryDirectory(prefix="hexahype-diag-") as tmp:
        impl = Path(tmp) / "impl"
        shutil.copytree(ROOT / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
        target = impl / entry.package / f"{entry.name}.py"
        target.write_text(
            target.read_text(encoding="utf-8") + "\n\n# ---- misconception ----\n" + source,
            encoding="utf-8",
        )
        _, doc, out = runs.run_suite(
            ROOT,
            [entry.test_path],
            impl,
            extra=["-p", "no:randomly", "-p", "no:hypothesispytest"],
            timeout=600,
            env=env,
        )
    if doc is None:
        return {"caught": False, "first": f"pytest did not run: {out.strip()[-200:]}"}
    failing = [t for t in doc.tests if t.status is not TestStatus.PASSED]
    return {
        "caught": bool(failing),
        "first": failing[0].message if failing else "",
        "test": failing[0].nodeid.split("::")[-1] if failing else "",
    }


def named(first: str, expect: str, explained: str) -> bool:
    low = first.lower()
    return bool((expect and expect.lower() in low) or (explained and explained.lower() in low))


def heldout_entries(lesson: manifest.Lesson, folder: Path = HELDOUT) -> list[Path]:
    return sorted((folder / lesson.package / lesson.name).glob("*.py"))


def heldout_report(
    course: manifest.Course, jobs: int, only: list[str], folder: Path = HELDOUT
) -> dict:
    """Every entry of a bank in the held-out format (`folder`) against its lesson's visible
    tests, judged by the rule above."""
    lessons = [e for e in course.lessons if e.authored and e.kind != "quiz"]
    lessons = [e for e in lessons if not only or e.id in only]
    bank = [(e, p) for e in lessons for p in heldout_entries(e, folder)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda t: run_entry(t[0], t[1], False), bank))
    rows = []
    for (entry, path), res in zip(bank, results):
        rows.append(
            {
                "entry": entry_key(entry, path),
                "lesson": entry.id,
                "expect": expect_phrases(path.read_text(encoding="utf-8")),
                "caught": res["caught"],
                "test": res.get("test", ""),
                "first": res["first"],
            }
        )
    return judged(rows)


def judged(rows: list[dict]) -> dict:
    """The report of held-out rows (entry, lesson, expect, caught, first): each row's verdict
    by the judging rule, and the summary. Also re-judges a saved report (--rejudge)."""
    for r in rows:
        r["verdict"] = judge(r["first"], r["expect"]) if r["caught"] else "not caught"
    caught = sum(r["caught"] for r in rows)
    summary: dict = {
        "entries": len(rows),
        "lessons": len({r["lesson"] for r in rows}),
        "caught_visible": caught,
    }
    for verdict in ("named-correct", "named-wrong", "unnamed"):
        summary[verdict] = sum(r["verdict"] == verdict for r in rows)
    summary["share_of_caught"] = {
        v: round(summary[v] / caught, 3) if caught else 0.0
        for v in ("named-correct", "named-wrong", "unnamed")
    }
    summary["caught_share"] = round(caught / len(rows), 3) if rows else 0.0
    return {"summary": summary, "rows": rows}


def print_heldout(report: dict, verbose: bool, name: str = "held-out") -> None:
    s = report["summary"]
    n, c = s["entries"], s["caught_visible"]
    print(f"{name} bank: {n} entries over {s['lessons']} lessons (visible tests only)")
    print(f"  caught by the visible tests: {pct(c, n)}")
    for v in ("named-correct", "named-wrong", "unnamed"):
        print(f"  first message {v + ':':<14} {pct(s[v], c)} of caught, {pct(s[v], n)} of all")
    for row in report["rows"]:
        mark = {"named-correct": "ok ", "named-wrong": "XX ", "unnamed": "-- "}
        print(f"  {mark.get(row['verdict'], '!! ')}{row['entry']}  [{row['verdict']}]")
        if verbose and row["caught"]:
            print(f"       {row['test']}: {row['first'][:400]}")


def bank_report(course: manifest.Course, jobs: int, loo: bool, only: list[str]) -> dict:
    lessons = [e for e in course.lessons if e.authored and (not only or e.id in only)]
    bank = [(e, p) for e in lessons for p in verify.misconceptions(e)]
    tasks = [(e, p, False) for e, p in bank] + ([(e, p, True) for e, p in bank] if loo else [])
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(lambda t: run_entry(*t), tasks))
    plain, left_out = results[: len(bank)], results[len(bank) :]
    rows = []
    for i, (entry, path) in enumerate(bank):
        source = path.read_text(encoding="utf-8")
        expect, explained = expect_phrase(source), explanation(source)
        row = {
            "entry": entry_key(entry, path),
            "lesson": entry.id,
            "expect": expect,
            "caught": plain[i]["caught"],
            "named": plain[i]["caught"] and named(plain[i]["first"], expect, explained),
            "first": plain[i]["first"],
        }
        if loo:
            row["named_loo"] = left_out[i]["caught"] and named(left_out[i]["first"], expect, "")
            row["first_loo"] = left_out[i]["first"]
        rows.append(row)
    n = len(rows)
    with_expect = [r for r in rows if r["expect"]]
    summary = {
        "entries": n,
        "lessons": len(lessons),
        "min_per_lesson": min((sum(r["lesson"] == e.id for r in rows) for e in lessons), default=0),
        "caught_visible": sum(r["caught"] for r in rows),
        "named": sum(r["named"] for r in rows),
        "with_expect": len(with_expect),
    }
    if loo:
        summary["named_loo"] = sum(r["named_loo"] for r in with_expect)
    for label, mark, key in (
        ("by_bank", "Likely mistake:", "first"),
        ("by_detector", "Diagnosis:", "first"),
        ("by_observation", "How it differs:", "first"),
        ("by_hint", "Hint:", "first"),
        ("loo_by_detector", "Diagnosis:", "first_loo"),
    ):
        summary[label] = sum(mark in r.get(key, "") for r in rows if r["caught"])
    return {"summary": summary, "rows": rows}


def timing(course: manifest.Course, lesson_ids: list[str], repeat: int) -> list[dict]:
    """One lesson's visible tests against the import floor, each pair run back to back."""
    floor = [sys.executable, "-c", "import pytest, numpy"]
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    rows = []
    with tempfile.TemporaryDirectory(prefix="hexahype-diag-loop-") as tmp:
        copy = Path(tmp) / "course"
        copy.mkdir()
        for part in PARTS:
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, copy / part)
        # the kit itself too, so the loop runs this checkout's grader whatever is installed
        shutil.copytree(ROOT / "grader", copy / "grader", ignore=shutil.ignore_patterns("tests"))
        model = manifest.load(copy)
        for lid in lesson_ids:
            lesson = model.get(lid)
            test = [str(lesson.test_path.relative_to(copy))]
            stub = lesson.exercise_path.read_text(encoding="utf-8")
            wrong = verify.misconceptions(course.get(lid))
            variants = [("stub", stub)]
            if wrong:
                source = lesson.solution_path.read_text(encoding="utf-8")
                variants.append(
                    (
                        f"wrong ({wrong[0].stem})",
                        source + "\n\n" + wrong[0].read_text(encoding="utf-8"),
                    )
                )
            for label, text in variants:
                lesson.exercise_path.write_text(text, encoding="utf-8")
                subprocess.run(pytest + test, cwd=copy, capture_output=True)  # warm the caches
                wall: dict[str, list[float]] = {"floor": [], "lesson": []}
                cpu: dict[str, list[float]] = {"floor": [], "lesson": []}
                for _ in range(repeat):
                    for cmd, key in ((floor, "floor"), (pytest + test, "lesson")):
                        used = _children_cpu()
                        start = time.perf_counter()
                        subprocess.run(cmd, cwd=copy, capture_output=True, check=False)
                        wall[key].append(time.perf_counter() - start)
                        cpu[key].append(_children_cpu() - used)
                b, r = statistics.median(wall["floor"]), statistics.median(wall["lesson"])
                bc, rc = statistics.median(cpu["floor"]), statistics.median(cpu["lesson"])
                rows.append(
                    {
                        "lesson": lid,
                        "exercise": label,
                        "floor_s": round(b, 3),
                        "lesson_s": round(r, 3),
                        "ratio": round(r / b, 2),
                        "floor_cpu_s": round(bc, 3),
                        "lesson_cpu_s": round(rc, 3),
                        "cpu_ratio": round(rc / bc, 2),
                    }
                )
            lesson.exercise_path.write_text(stub, encoding="utf-8")
    return rows


def _children_cpu() -> float:
    """CPU seconds used so far by finished child processes (less disturbed by a busy machine
    than wall time)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.0f}%)" if b else "0/0"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--lessons", nargs="*", default=["1.3", "2.4"], help="lessons to time")
    ap.add_argument("--only", nargs="*", default=[], help="only these lessons' banks")
    ap.add_argument("--no-loo", action="store_true", help="skip the leave-one-out runs")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--timing-only", action="store_true", help="skip the bank, time the loop")
    ap.add_argument("--json", type=Path, help="write the full report here")
    ap.add_argument("--verbose", action="store_true", help="print every entry's first message")
    ap.add_argument(
        "--heldout", action="store_true", help="measure the held-out bank (benchmarks/heldout/)"
    )
    ap.add_argument("--rejudge", type=Path, help="judge the rows of a saved --heldout report again")
    ap.add_argument(
        "--bank",
        type=Path,
        help="measure another bank in the held-out format, by the same rule "
        "(benchmarks/validation/: the development bank, read freely)",
    )
    args = ap.parse_args()
    course = manifest.load(ROOT)
    if args.bank:
        report = heldout_report(course, args.jobs, args.only, args.bank.resolve())
        print_heldout(report, args.verbose, args.bank.name)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return
    if args.heldout or args.rejudge:
        if args.rejudge:  # the saved messages, judged again (after a change of the rule only)
            report = judged(json.loads(args.rejudge.read_text(encoding="utf-8"))["rows"])
        else:
            report = heldout_report(course, args.jobs, args.only)
        print_heldout(report, args.verbose)
        if args.json:
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        return
    if args.timing_only:
        report: dict = {"summary": {}, "rows": []}
        print_timing(report, course, args)
        return
    report = bank_report(course, args.jobs, not args.no_loo, args.only)
    s = report["summary"]
    print(f"misconception bank: {s['entries']} entries over {s['lessons']} lessons")
    print(f"  fewest entries in one lesson:          {s['min_per_lesson']}")
    print(f"  caught by the visible tests:           {pct(s['caught_visible'], s['entries'])}")
    print(f"  first message names the mistake:       {pct(s['named'], s['entries'])}")
    if "named_loo" in s:
        print(f"  named, leave-one-out (EXPECT entries): {pct(s['named_loo'], s['with_expect'])}")
    print(
        f"  first messages with a bank diagnosis {s['by_bank']}, a detector diagnosis "
        f"{s['by_detector']} (leave-one-out: {s['loo_by_detector']}), an observation "
        f"{s['by_observation']}, a test hint {s['by_hint']}"
    )
    for row in report["rows"]:
        flag = "ok " if row["named"] else ("-- " if row["caught"] else "!! ")
        loo = ("  loo:" + ("yes" if row["named_loo"] else "no ")) if "named_loo" in row else ""
        if args.verbose or not row["named"] or ("named_loo" in row and not row["named_loo"]):
            print(f"  {flag}{row['entry']}{loo}")
            if args.verbose:
                print(f"       {row['first'][:300]}")
    if not args.no_timing:
        print_timing(report, course, args)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def print_timing(report: dict, course: manifest.Course, args: argparse.Namespace) -> None:
    report["timing"] = timing(course, args.lessons, args.repeat)
    print(f"one-lesson learner loop, median of {args.repeat} paired runs (seconds):")
    for t in report["timing"]:
        print(
            f"  {t['lesson']} {t['exercise']:<32} wall: floor {t['floor_s']:.3f} lesson "
            f"{t['lesson_s']:.3f} ratio {t['ratio']:.2f}x   cpu: floor {t['floor_cpu_s']:.3f} "
            f"lesson {t['lesson_cpu_s']:.3f} ratio {t['cpu_ratio']:.2f}x"
        )
    if args.json and args.timing_only:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
