"""`hexahype verify`: the authoring check. It fails on

- drift between course.toml and the files (a half-authored entry, missing hints, a stub or
  solution that does not define a task, different signatures in stub and solution);
- a break of the contract (grader/authoring/contract.py): docs/API.md and the stubs' signatures
  disagree, stub and solution docstrings differ, a placeholder is left, or a lesson module
  imports a lesson outside its `requires` closure;
- stray modules, tests or texts that belong to no entry;
- a stub that passes any test, or does not raise NotImplementedError naming its lesson;
- a solution that fails any visible or hidden test;
- a misconception bank of fewer than 8 entries per lesson; an entry that no visible test
  catches, or whose first failing message does not name it (its EXPECT phrase or its
  explanation, the first sentence of its docstring);
- differential-diagnosis data (grader/data/diagnoses.json) that is stale against the bank;
- a lesson text out of its reading-time budget, missing its sections, or whose code blocks do not
  run or print what the text shows;
- a GitHub workflow that is stale against the manifest;
- recorded expected values of the visible tests that differ from what the instructor-side
  oracles give now (`grader.instructor.recorded`).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import lessontext as markdown
from .. import loader, runs
from ..diagnosis import known, outputs, probes
from ..manifest import Course, Lesson
from ..results import ResultsDoc, TestOutcome, TestStatus
from . import contract, variants

MIN_MISCONCEPTIONS = 8  # a lesson of the course
MIN_OPTIONAL_MISCONCEPTIONS = 4  # a lesson of an optional chapter (the capstone)
IGNORED_FILES = {"__init__.py", "conftest.py"}


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    @property
    def ok(self) -> bool:
        return not self.problems


def misconception_dir(lesson: Lesson) -> Path:
    return lesson.root / "grader" / "tests" / "misconceptions" / lesson.package / lesson.name


def misconceptions(lesson: Lesson) -> list[Path]:
    folder = misconception_dir(lesson)
    return sorted(p for p in folder.glob("*.py") if p.name not in IGNORED_FILES)


# -- structure --------------------------------------------------------------------------------
def _functions(path: Path) -> dict[str, ast.AST]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        node.name: node
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    }


def _signature(node: ast.AST) -> str:
    if isinstance(node, ast.ClassDef):
        methods = [n for n in node.body if isinstance(n, ast.FunctionDef)]
        return "; ".join(
            f"{m.name}({ast.unparse(m.args)})"
            for m in methods
            if not m.name.startswith("_") or m.name in ("__init__", "__len__")
        )
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"({ast.unparse(node.args)}){ret}"


def _raises_not_implemented(node: ast.AST, lesson_id: str) -> bool:
    bodies = (
        [node]
        if not isinstance(node, ast.ClassDef)
        else [n for n in node.body if isinstance(n, ast.FunctionDef)]
    )
    ok = False
    for fn in bodies:
        for sub in ast.walk(fn):
            if isinstance(sub, ast.Raise) and sub.exc is not None:
                exc = sub.exc
                if (
                    isinstance(exc, ast.Call)
                    and getattr(exc.func, "id", "") == "NotImplementedError"
                    and exc.args
                    and isinstance(exc.args[0], ast.Constant)
                    and str(exc.args[0].value).startswith(f"lesson {lesson_id}:")
                ):
                    ok = True
    return ok


def check_structure(course: Course, report: Report) -> list[Lesson]:
    authored: list[Lesson] = []
    for entry in course.entries:
        where = f"{entry.id} {entry.title}"
        files = entry.files()
        present = {role: p.exists() for role, p in files.items()}
        if not any(present.values()):
            continue
        authored.append(entry)
        for role, ok in present.items():
            if not ok:
                report.add(where, f"{role} {files[role].relative_to(course.root)} is missing")
        if entry.is_quiz:
            continue
        if len(entry.hints) < 2:
            report.add(where, "needs at least two progressive hints in course.toml")
        if not (present["exercise"] and present["solution"]):
            continue
        try:
            stub = _functions(entry.exercise_path)
            sol = _functions(entry.solution_path)
        except SyntaxError as exc:
            report.add(where, f"syntax error in {Path(exc.filename or '').name}: {exc.msg}")
            continue
        for task in entry.tasks:
            if task not in stub:
                report.add(where, f"the stub does not define {task}")
            elif not _raises_not_implemented(stub[task], entry.id):
                report.add(
                    where,
                    f"the stub's {task} must raise NotImplementedError('lesson {entry.id}: ...')",
                )
            if task not in sol:
                report.add(where, f"the solution does not define {task}")
            elif task in stub and _signature(stub[task]) != _signature(sol[task]):
                report.add(
                    where,
                    f"{task} has different signatures: stub {_signature(stub[task])}, "
                    f"solution {_signature(sol[task])}",
                )
        if "NotImplementedError" in entry.solution_path.read_text(encoding="utf-8"):
            report.add(where, "the solution still raises NotImplementedError")
        if present["lesson text"]:
            check_text(course, entry, report)
    return authored


def check_text(course: Course, entry: Lesson, report: Report) -> None:
    where = f"{entry.id} {entry.title}"
    md = entry.text_path.read_text(encoding="utf-8")
    first = md.lstrip().splitlines()[0] if md.strip() else ""
    if first != f"# {entry.id} {entry.title}":
        report.add(where, f"the text must start with '# {entry.id} {entry.title}', not {first!r}")
    too_long_or_short = markdown.reading_problem(md, entry.minutes)
    if too_long_or_short:
        report.add(where, too_long_or_short)
    heads = [h.lower() for h in markdown.headings(md)]
    for section in ("your turn", "check", "going further"):
        if not any(h.startswith(section) for h in heads):
            report.add(where, f"the text has no '{section.title()}' section")
    if f"hexahype check {entry.id}" not in md:
        report.add(where, f"the text must tell the learner to run `hexahype check {entry.id}`")
    for m in re.finditer(r"!\[[^\]]*\]\(([^)]+)\)", md):
        target = (entry.text_path.parent / m.group(1)).resolve()
        if not target.exists():
            report.add(where, f"the figure {m.group(1)} does not exist")


def check_strays(course: Course, authored: Iterable[Lesson], report: Report) -> None:
    known = {p.resolve() for e in course.entries for p in e.files().values()}
    known |= {e.text_path.resolve() for e in course.entries}
    chapters = {c.package for c in course.chapters}
    for top in ("exercises", "solutions", "tests", "lessons"):
        base = course.root / top
        if not base.exists():
            continue
        for path in base.rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts or path.name in IGNORED_FILES:
                continue
            rel = path.relative_to(course.root)
            if top == "lessons" and rel.parts[1] == "figures":
                continue
            if path.suffix in (".pyc",):
                continue
            if path.resolve() not in known:
                report.add("strays", f"{rel.as_posix()} belongs to no entry of course.toml")
        for sub in base.iterdir():
            if sub.is_dir() and sub.name not in chapters | {"hidden", "figures", "__pycache__"}:
                report.add("strays", f"{sub.relative_to(course.root).as_posix()}/ is no chapter")
    mis_root = course.root / "grader" / "tests" / "misconceptions"
    if mis_root.exists():
        for folder in mis_root.glob("*/*"):
            if folder.is_dir() and folder.name != "__pycache__":
                if course.by_module(folder.name) is None:
                    report.add("strays", f"misconceptions for unknown module {folder.name}")


# -- running tests ----------------------------------------------------------------------------
def _by_lesson(doc: ResultsDoc | None) -> dict[str, list[TestOutcome]]:
    out: dict[str, list[TestOutcome]] = {}
    for t in doc.tests if doc is not None else []:
        out.setdefault(t.lesson, []).append(t)
    return out


def check_suites(course: Course, authored: list[Lesson], report: Report) -> None:
    files = runs.test_files(authored, hidden=True)
    if not files:
        return
    code, doc, out = runs.run_suite(course.root, files, course.root / "solutions", timeout=1800)
    if doc is None:
        report.add("solutions", f"pytest did not run ({code}): {out.strip()[-400:]}")
        return
    got = _by_lesson(doc)
    for entry in authored:
        tests = got.get(entry.id, [])
        if not tests:
            report.add(f"{entry.id} {entry.title}", "no test ran against the solution")
        for t in tests:
            if not t.passed:
                report.add(
                    f"{entry.id} {entry.title}",
                    f"the solution fails {t.nodeid}: {t.message}",
                )
    with tempfile.TemporaryDirectory(prefix="hexahype-stubs-") as tmp:
        stubs = Path(tmp) / "exercises"
        shutil.copytree(course.root / "exercises", stubs)
        for entry in authored:
            if entry.is_quiz and entry.solution_path.exists():
                # an unanswered quiz is the stub
                (stubs / entry.package / entry.exercise_path.name).write_text(
                    '{"answers": {}}\n', encoding="utf-8"
                )
        code, doc, out = runs.run_suite(course.root, files, stubs, timeout=1800)
    if doc is None:
        report.add("stubs", f"pytest did not run ({code}): {out.strip()[-400:]}")
        return
    for entry in authored:
        for t in _by_lesson(doc).get(entry.id, []):
            if t.passed:
                report.add(f"{entry.id} {entry.title}", f"the untouched stub passes {t.nodeid}")
            elif t.status is not TestStatus.NOT_STARTED:
                report.add(
                    f"{entry.id} {entry.title}",
                    f"the stub fails {t.nodeid} with {t.message!r}, not as 'not started'",
                )


def misconception_key(entry: Lesson, path: Path) -> str:
    """How the differential-diagnosis data names a bank entry: `ch1_tokens/l03_bpe/merge_first_only`."""
    return f"{entry.package}/{entry.name}/{path.stem}"


@dataclass
class MisconceptionRun:
    """One bank entry run against its lesson's visible tests."""

    key: str
    expect: str  # the EXPECT phrase, or ''
    explanation: str  # the first sentence of the docstring
    caught: bool = False  # a visible test fails
    first: str = ""  # the first failing message (or why pytest did not run)
    records: list[known.Output] = field(default_factory=list)  # (call key, encoded result)
    first_check: str = ""  # the call key of the first failing check
    rows: list[dict[str, Any]] = field(default_factory=list)  # the raw records, with "want"

    @property
    def named(self) -> bool:
        """The first message names the mistake: its EXPECT phrase or its explanation."""
        low = self.first.lower()
        return self.caught and any(p and p.lower() in low for p in (self.expect, self.explanation))


def run_misconception(entry: Lesson, path: Path) -> MisconceptionRun:
    """Append one misconception to the solution and run the lesson's visible tests, as a learner
    would: did a test fail, what did the first failure say, and what did every failing check
    return (the records of the differential diagnosis)?"""
    source = path.read_text(encoding="utf-8")
    m = re.search(r"^EXPECT\s*=\s*(['\"])(.*?)\1\s*$", source, re.M)
    run = MisconceptionRun(
        key=misconception_key(entry, path),
        expect=m.group(2) if m else "",
        explanation=known.explanation(source),
    )
    return run_appended(entry, source, run)


def appended_solutions(entry: Lesson, source: str, where: Path) -> Path:
    """A copy of the reference solutions at `where`, with `source` appended to the lesson's
    module (its definitions replace the reference's); returns the copy's folder."""
    impl = where / "impl"
    shutil.copytree(entry.root / "solutions", impl, ignore=shutil.ignore_patterns("__pycache__"))
    target = impl / entry.package / f"{entry.name}.py"
    target.write_text(
        target.read_text(encoding="utf-8") + "\n\n# ---- misconception ----\n" + source,
        encoding="utf-8",
    )
    return impl


def run_appended(entry: Lesson, source: str, run: MisconceptionRun) -> MisconceptionRun:
    """`source` appended to the lesson's reference solution (its definitions replace the
    reference's), then the lesson's visible tests run as a learner runs them; `run` filled in."""
    with tempfile.TemporaryDirectory(prefix="hexahype-mis-") as tmp:
        impl = appended_solutions(entry, source, Path(tmp))
        records = Path(tmp) / "records.jsonl"
        env = dict(os.environ, **{known.RECORD_ENV: str(records)})
        env[known.DATA_ENV] = str(diagnoses_path(entry.root))
        env.pop(known.EXCLUDE_ENV, None)
        env[known.VARIANTS_ENV] = str(variants_path(entry.root))
        _, doc, out = runs.run_suite(
            entry.root,
            runs.test_files([entry]),
            impl,
            # as a learner's environment runs it: pytest-randomly and Hypothesis's plugin are
            # maintainer tools (the `dev` extra) that a learner's install does not have, and
            # Hypothesis's plugin alone doubles the start-up of a run
            extra=["-p", "no:randomly", "-p", "no:hypothesispytest"],
            timeout=600,
            env=env,
            fork=True,
        )
        run.rows, run.first_check = known.read_records(records)
        run.records = known.distinct([(r["call"], r["out"]) for r in run.rows])
    if doc is None:
        run.first = f"pytest did not run: {out.strip()[-300:]}"
        return run
    failing = [t for t in doc.tests if not t.passed]
    run.caught = bool(failing)
    run.first = failing[0].message if failing else ""
    return run


def stale_diagnoses(
    runs_: list[MisconceptionRun], data: dict[str, Any], all_keys: set[str] | None = None
) -> list[str]:
    """What the stored differential-diagnosis data gets wrong about these runs (and, given every
    key of the bank, about entries that no longer exist). Results are compared by closeness
    (grader.diagnosis.outputs), so one recomputed on another machine is not a change."""
    problems = []
    for run in runs_:
        if (
            not known.same_outputs(known.outputs_of(data, run.key), run.records)
            or data.get("first", {}).get(run.key, "") != run.first_check
        ):
            problems.append(f"{run.key}: its outputs on the visible checks changed")
        elif data.get("mistakes", {}).get(run.key) != run.explanation:
            problems.append(f"{run.key}: its explanation changed")
    if all_keys is not None:
        for name in sorted(set(data.get("mistakes", {})) - all_keys):
            problems.append(f"{name}: no such entry in the bank")
    return problems


def probe_calls(jobs: list[tuple[Lesson, MisconceptionRun]]) -> dict[str, dict[str, Any]]:
    """The exact inputs of the visible checks that these runs recorded (call key -> stored
    call, grader.diagnosis.probes), each kept only when the lesson's reference, given them,
    returns the check's expected value. A run whose code changed its input in place before
    the check showed it recorded changed inputs, and a check that shows something other than
    the call's own result (a key order, a length) has no expected value to match: neither is a
    probe."""
    by_lesson: dict[str, tuple[Lesson, dict[str, list[dict[str, Any]]]]] = {}
    for entry, run in jobs:
        for row in run.rows:
            if row.get("inputs") and row.get("want"):
                rows = by_lesson.setdefault(entry.id, (entry, {}))[1]
                rows.setdefault(row["call"], []).append(row)
    kept: dict[str, dict[str, Any]] = {}
    for entry, rows_by_key in by_lesson.values():
        try:
            module = loader.load(entry, entry.root / "solutions")
        except loader.LessonLoadError:
            continue
        inputs = probes.declared_inputs(entry.test_path)  # what a stored {"ref": label} is
        for key, found in sorted(rows_by_key.items()):
            tried: set[str] = set()
            for row in found:
                stored = row["inputs"]
                # the same inputs may come with another expected value: a check whose expected
                # value the test computes with the learner's other functions (2.1's perplexity
                # is exp of their own cross_entropy) expects something else of a run whose
                # cross_entropy is wrong, so each (inputs, expected) pair is tried once
                text = json.dumps([stored, row["want"]], sort_keys=True)
                fn = getattr(module, str(stored.get("fn")), None)
                if text in tried or not callable(fn):
                    continue
                tried.add(text)
                try:
                    got = fn(
                        *probes.decode_args(stored["args"], inputs),
                        **probes.decode_args(stored["kwargs"], inputs),
                    )
                    if outputs.close(outputs.encode(got), row["want"]["value"]):
                        kept[key] = _with_want(stored, got)
                        _add_derived(kept, key, stored, fn, inputs)
                        break
                except Exception:  # noqa: BLE001 - an input the reference cannot take: no probe
                    continue
    return kept


def rerun_calls(
    data: dict[str, Any], jobs: list[tuple[Lesson, Any]], results: list[MisconceptionRun]
) -> dict[str, dict[str, Any]]:
    """The stored probes' inputs, with those of these runs (job i made result i) in place."""
    calls = dict(data.get("calls", {}))
    calls.update(probe_calls([(entry, run) for (entry, _), run in zip(jobs, results)]))
    return calls


def _add_derived(
    kept: dict[str, dict[str, Any]],
    key: str,
    stored: dict[str, Any],
    fn: Callable[..., Any],
    inputs: dict[str, Any],
) -> None:
    """The check's derived probes (grader.diagnosis.probes.derived) that the reference takes,
    returning finite numbers there."""
    for suffix, made in probes.derived(stored):
        try:
            got = fn(
                *probes.decode_args(made["args"], inputs),
                **probes.decode_args(made["kwargs"], inputs),
            )
            text = json.dumps(outputs.encode(got))
        except Exception:  # noqa: BLE001 - an input the reference cannot take: no probe
            continue
        if '"nan"' not in text and '"inf"' not in text and '"-inf"' not in text:
            kept[key + suffix] = _with_want(made, got)


def _with_want(stored: dict[str, Any], got: Any) -> dict[str, Any]:
    """A probe with the reference's result on it ("want", stored exactly), when it is small:
    what a learner's result there is compared with, to confirm a detector's cause."""
    try:
        want = probes.encode_args(got)
    except (outputs.Unstable, RecursionError, ValueError, TypeError, OverflowError):
        return stored
    return {**stored, "want": want} if len(json.dumps(want)) <= probes.MAX_ARGS else stored


def variants_path(root: Path) -> Path:
    """The course's generated variants (grader.authoring.variants) and what they return."""
    return root / "grader" / "data" / "variants.json"


VARIANT_RESULT_LIMIT = 4000  # characters of a stored result; a larger one is not stored


def _variant_fingerprint(entry: Lesson) -> str:
    return variants.fingerprint(
        entry.solution_path.read_text(encoding="utf-8"),
        entry.test_path.read_text(encoding="utf-8"),
    )


def run_variant(entry: Lesson, variant: variants.Variant) -> MisconceptionRun:
    """One generated variant run like a bank entry."""
    run = MisconceptionRun(
        key=f"{entry.id}:{variant.key}", expect="", explanation=variant.explanation
    )
    return run_appended(entry, variant.source, run)


def check_variants(
    course: Course, authored: list[Lesson], report: Report, update: bool = False
) -> None:
    """The stored variants of each lesson were made from its reference and visible tests as
    they are; with `update`, the stale lessons' variants are generated and run again."""
    lessons = [e for e in authored if not e.is_quiz and e.solution_path.exists()]
    path = variants_path(course.root)
    data = known.load(str(path))
    made = dict(data.get("lessons", {}))
    stale = [e for e in lessons if made.get(e.id) != _variant_fingerprint(e)]
    if stale and update:
        local = variants.defined_functions(
            [e.solution_path.read_text(encoding="utf-8") for e in course.lessons
             if e.authored and not e.is_quiz and e.solution_path.exists()]
        )  # fmt: skip
        jobs = []
        for entry in stale:
            source = entry.solution_path.read_text(encoding="utf-8")
            tasks = sorted(variants.defined_functions([source]))
            jobs += [(entry, v) for v in variants.generate(source, tasks, local)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda job: run_variant(*job), jobs))
        redone = {e.id for e in stale}
        keep = {n for n in data.get("mistakes", {}) if n.split(":", 1)[0] not in redone}
        records = {n: known.outputs_of(data, n) for n in keep}
        explanations = {n: data["mistakes"][n] for n in keep}
        first = {n: c for n, c in data.get("first", {}).items() if n in keep}
        calls = rerun_calls(data, jobs, results)
        for run in results:
            at_first = [(c, o) for c, o in run.records if c == run.first_check]
            if not run.caught or not at_first:
                continue
            if len(json.dumps(at_first[0][1])) > VARIANT_RESULT_LIMIT:
                continue
            # its first failing check, where it may be named, and the other failing checks
            # that can serve as probes (where it is confirmed or ruled out)
            probe_records = [
                (c, o) for c, o in run.records
                if c != run.first_check and c in calls
                and len(json.dumps(o)) <= VARIANT_RESULT_LIMIT
            ]  # fmt: skip
            records[run.key] = at_first[:1] + probe_records
            explanations[run.key] = run.explanation
            first[run.key] = run.first_check
        for entry in stale:
            made[entry.id] = _variant_fingerprint(entry)
        built = known.build(records, explanations, first, calls)
        built["about"] = variants.ABOUT
        built["lessons"] = {k: made[k] for k in sorted(made)}
        known.write(built, path)
        stale = []
    for entry in stale:
        report.add(
            f"{entry.id} {entry.title}",
            "grader/data/variants.json is stale (the reference solution or the visible tests "
            "changed since its variants were run): run `hexahype verify --update-diagnoses`",
        )


def diagnoses_path(root: Path) -> Path:
    """The course's own differential-diagnosis data (the kit's, for the kit itself)."""
    return root / "grader" / "data" / "diagnoses.json"


def check_misconceptions(
    course: Course, authored: list[Lesson], report: Report, update: bool = False
) -> None:
    jobs: list[tuple[Lesson, Path]] = []
    for entry in authored:
        if entry.is_quiz:
            continue
        found = misconceptions(entry)
        least = MIN_OPTIONAL_MISCONCEPTIONS if entry.optional else MIN_MISCONCEPTIONS
        if len(found) < least:
            report.add(
                f"{entry.id} {entry.title}",
                f"has {len(found)} misconceptions in its bank; at least {least} needed",
            )
        jobs += [(entry, p) for p in found]

    def run_all(todo: list[tuple[Lesson, Path]]) -> list[MisconceptionRun]:
        with ThreadPoolExecutor(max_workers=2) as pool:
            return list(pool.map(lambda job: run_misconception(*job), todo))

    results = run_all(jobs)
    bank_keys = {
        misconception_key(e, p) for e in course.lessons if e.authored for p in misconceptions(e)
    }
    whole = {e.id for e in course.lessons if e.authored} <= {e.id for e in authored}
    path = diagnoses_path(course.root)
    data = known.load(str(path))
    stale = stale_diagnoses(results, data, bank_keys if whole else None)
    if stale and update:
        calls = rerun_calls(data, jobs, results)
        data = updated_diagnoses(data, results, bank_keys, calls)
        known.write(data, path)
        changed = {p.split(":")[0] for p in stale}
        again = [i for i, r in enumerate(results) if r.key in changed]
        for i, run in zip(again, run_all([jobs[i] for i in again])):
            results[i] = run
        stale = stale_diagnoses(results, data, bank_keys if whole else None)
    for problem in stale:
        report.add(
            "diagnoses",
            f"grader/data/diagnoses.json is stale ({problem}): run `hexahype verify "
            "--update-diagnoses`",
        )
    for (entry, path), run in zip(jobs, results):
        where = f"{entry.id} misconception {path.stem}"
        if not run.caught:
            report.add(
                where,
                "is not caught by any visible test" + (f" ({run.first})" if run.first else ""),
            )
        elif not run.named:
            wanted = f"{run.expect!r} or " if run.expect else ""
            report.add(
                where,
                f"the first failing message {run.first!r} does not name the mistake (it should "
                f"contain {wanted}the entry's explanation {run.explanation!r})",
            )


def updated_diagnoses(
    data: dict[str, Any],
    results: list[MisconceptionRun],
    bank_keys: set[str],
    calls: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The data with these runs' records in place of the old ones (entries not run are kept),
    and the probes' inputs `calls` (by default the data's own)."""
    records = {k: known.outputs_of(data, k) for k in data.get("mistakes", {}) if k in bank_keys}
    explanations = {k: v for k, v in data.get("mistakes", {}).items() if k in bank_keys}
    first = {k: v for k, v in data.get("first", {}).items() if k in bank_keys}
    for run in results:
        records[run.key] = run.records
        explanations[run.key] = run.explanation
        first[run.key] = run.first_check
    return known.build(records, explanations, first, data.get("calls") if calls is None else calls)


def check_code_blocks(course: Course, authored: list[Lesson], report: Report) -> None:
    texts = [e for e in authored if e.is_lesson and e.text_path.exists()]

    def run(entry: Lesson) -> list[str]:
        return markdown.run_blocks(entry.text_path, course.root, course.root / "solutions")

    with ThreadPoolExecutor(max_workers=2) as pool:
        for entry, problems in zip(texts, pool.map(run, texts)):
            for p in problems:
                report.add(f"{entry.id} {entry.title}", p)


from ..workflow import check_workflow  # noqa: E402 - the workflow staleness check


def check_recorded(course: Course, authored: list[Lesson], report: Report) -> None:
    """The visible tests' recorded expected values match the oracles."""
    from ..instructor import recorded

    if not (course.root / "grader" / "instructor").is_dir():
        return  # a course copy without the instructor-side package
    for problem in recorded.check(course.root):
        report.add("recorded values", problem)


EXTRA_CHECKS: list[Callable[[Course, list[Lesson], Report], None]] = [
    check_workflow,
    check_recorded,
]


def verify(
    course: Course, only: list[str] | None = None, quick: bool = False, update: bool = False
) -> Report:
    report = Report()
    authored = check_structure(course, report)
    check_strays(course, authored, report)
    contract.check_contract(course, authored, report)
    if only:
        wanted = {course.get(i).id for i in only}
        authored = [e for e in authored if e.id in wanted]
    report.checked = [e.id for e in authored]
    if not quick:
        check_suites(course, authored, report)
        check_misconceptions(course, authored, report, update=update)
        check_variants(course, authored, report, update=update)
        check_code_blocks(course, authored, report)
    for extra in EXTRA_CHECKS:
        extra(course, authored, report)
    return report


# -- the verb ---------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("lessons", nargs="*", help="only run the slow checks for these ids")
    parser.add_argument(
        "--quick", action="store_true", help="structure only: no tests, misconceptions or blocks"
    )
    parser.add_argument(
        "--update-diagnoses",
        action="store_true",
        help="rewrite grader/data/diagnoses.json from what the bank returns on the visible checks",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    for lid in args.lessons:
        course.get(lid)  # unknown ids: one line, exit 2
    report = verify(
        course, only=args.lessons or None, quick=args.quick, update=args.update_diagnoses
    )
    checked = ", ".join(report.checked) or "none"
    if report.ok:
        print(f"verify: OK ({len(report.checked)} authored entries checked: {checked})")
        return 0
    print(f"verify: {len(report.problems)} problem(s) (entries checked: {checked})")
    for problem in report.problems:
        print(f"  - {problem}")
    return 1
