"""Grade submissions: fetch, stage, run the visible and hidden suites, compare with the release,
and turn the results into gradebook rows. Submissions run in parallel; each one's failure stays
its own."""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..manifest import Course, Lesson
from ..results import LessonOutcome, ResultsDoc, Status, TestOutcome, TestStatus, is_hidden
from . import harness, sandbox, staging, tamper
from .budget import timed_out
from .gradebook import Graded, LessonRow, TestRow
from .sources import Source, SourceError, Submission, clone, is_url, resolve_commit

MESSAGE_CAP = 2000
NOT_RUN = "this check did not run"


@dataclass(frozen=True)
class Options:
    at: str | None = None
    limits: harness.Limits = field(default_factory=harness.Limits)
    max_file_bytes: int = staging.MAX_FILE_BYTES
    release: dict[str, Any] | None = None  # the release manifest; None: no tamper check
    sandbox_mode: str = "auto"  # "auto", "bwrap" or "process"
    worker: sandbox.Limits = field(default_factory=sandbox.Limits)


@dataclass(frozen=True)
class Plan:
    """What every submission of a batch shares: the lessons, their expected tests (collected
    from the instructor's suites, never from a submission's run), docstrings and isolation."""

    lessons: list[Lesson]
    expected: dict[str, list[str]]  # lesson id -> test ids
    docs: dict[tuple[str, str], str]
    level: str
    preload: list[str] = field(default_factory=list)  # tokenizers the tests send the worker


@dataclass
class Result:
    submission: Submission
    graded: Graded | None  # None when skipped
    skipped: bool = False
    causes: list[str] = field(default_factory=list)

    def line(self) -> str:
        sub = self.submission
        if self.graded is None:
            return f"{sub.student}: skipped, already graded (use --force to grade again)"
        g = self.graded
        commit = g.commit[:12] if g.commit else "no commit"
        head = f"{sub.student} @ {commit}: {g.points:g} / {g.max_points:g} points"
        head += f" [{g.isolation}]" if g.isolation and g.commit else ""
        return head + (f"; {'; '.join(self.causes)}" if self.causes else "")


def gradable(course: Course) -> list[Lesson]:
    """The entries the instructor's copy can grade: those with visible or hidden tests."""
    return [e for e in course.entries if e.test_path.exists() or e.hidden_test_path.exists()]


def suite_files(lessons: list[Lesson]) -> list[Path]:
    files = [e.test_path for e in lessons if e.test_path.exists()]
    return files + [e.hidden_test_path for e in lessons if e.hidden_test_path.exists()]


def suite_files_by_lesson(lessons: list[Lesson]) -> list[Path]:
    """Each lesson's visible then hidden tests, lesson after lesson."""
    return [f for e in lessons for f in (e.test_path, e.hidden_test_path) if f.exists()]


def test_docs(course: Course, lessons: list[Lesson]) -> dict[tuple[str, str], str]:
    """(test file relative to the root, test function name) -> its docstring's first line."""
    out: dict[tuple[str, str], str] = {}
    for path in suite_files(lessons):
        rel = path.relative_to(course.root).as_posix()
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith(
                "test"
            ):
                doc = ast.get_docstring(node) or ""
                out[(rel, node.name)] = doc.strip().splitlines()[0].strip() if doc.strip() else ""
    return out


# -- one submission -----------------------------------------------------------------------------
def _open(sub: Submission, opts: Options, work: Path) -> Source:
    if is_url(sub.location) and not Path(sub.location).exists():
        folder = clone(sub.location, work / "repo")
        return Source(folder, resolve_commit(folder, opts.at))
    folder = Path(sub.location)
    if (folder / ".git").exists():
        return Source(folder, resolve_commit(folder, opts.at))
    if opts.at:
        raise SourceError("--at needs a git repository, and this folder is none")
    return Source(folder, None)


def expected_tests(course: Course, lessons: list[Lesson], work: Path) -> dict[str, list[str]]:
    """lesson id -> the ids of its visible and hidden tests, from a collection-only run."""
    by_file = {}
    for lesson in lessons:
        for path in (lesson.test_path, lesson.hidden_test_path):
            by_file[path.relative_to(course.root).as_posix()] = lesson.id
    out: dict[str, list[str]] = {lesson.id: [] for lesson in lessons}
    for nodeid in harness.collect(course.root, suite_files(lessons), work):
        lesson_id = by_file.get(nodeid.split("::", 1)[0])
        if lesson_id is not None:
            out[lesson_id].append(nodeid)
    return out


def _tag() -> str:
    """HEXAHYPE_GRADE_TAG (letters and digits) goes into every worker's marker, so that a test
    can find the processes of its own grading run."""
    raw = os.environ.get("HEXAHYPE_GRADE_TAG", "")
    return "".join(c for c in raw if c.isalnum())[:32] + "-" if raw else ""


def _worker_config(plan: Plan, staged: Path, work: Path, opts: Options) -> tuple[Path, Path]:
    """Write the worker's config for the harness; returns (config, scratch folder)."""
    private = work / "private"
    private.mkdir(mode=0o700, exist_ok=True)
    if plan.level == "bwrap":
        scratch = work / "scratch"
        scratch.mkdir()
        impl = staged
    else:  # a plain process reads the submission and the kit's runtime from a shared copy
        shared = "/tmp" if plan.level == "process" and os.geteuid() == 0 else None
        scratch = Path(tempfile.mkdtemp(prefix="hexahype-worker-", dir=shared))
        impl = scratch / "exercises"
        shutil.copytree(staged, impl)
    config = private / "worker.json"
    config.write_text(
        json.dumps(
            {
                "level": plan.level,
                "impl": str(impl),
                "scratch": str(scratch),
                "limits": vars(opts.worker),
                "token": "hexahype-worker-" + _tag() + secrets.token_hex(8),
                "call_timeout": opts.limits.test_timeout,
                "preload": plan.preload,
            }
        ),
        encoding="utf-8",
    )
    return config, scratch


def _run(
    course: Course,
    lessons: list[Lesson],
    impl: Path,
    work: Path,
    limits: harness.Limits,
    config: Path | None = None,
) -> tuple[ResultsDoc | None, str, dict[str, str]]:
    """Run every suite at once; if that run dies, run lesson by lesson so that only the
    lesson that brings pytest down loses its points. Returns (results, problem, per-lesson
    problems)."""
    files = suite_files_by_lesson(lessons)
    outcome = harness.run(course.root, files, impl, work, limits, "all", config)
    if outcome.doc is not None:
        return outcome.doc, "", {}
    merged = ResultsDoc(course.name, course.version, impl.name)
    per_lesson: dict[str, str] = {}
    share = max(limits.timeout / max(len(lessons), 1), 3 * limits.test_timeout + 10)
    one = harness.Limits(limits.test_timeout, share, limits.file_mb, limits.memory_mb)
    for lesson in lessons:
        single = harness.run(
            course.root, suite_files([lesson]), impl, work, one, f"l{lesson.id}", config
        )
        if single.doc is None:
            per_lesson[lesson.id] = f"lesson {lesson.id}: pytest {single.problem}"
            continue
        merged.lessons += single.doc.lessons
    return merged, f"the full run {outcome.problem}; graded lesson by lesson", per_lesson


def _short(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _cap(text: str) -> str:
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 3] + "..."


def _rows(
    course: Course,
    plan: Plan,
    doc: ResultsDoc | None,
    problems: dict[str, str],
) -> tuple[list[LessonRow], list[TestRow]]:
    """Score every lesson from its expected tests: a test counts only when the harness saw it
    pass; a missing, skipped or errored test scores 0, and unexpected ones are ignored."""
    order = {e.id: i for i, e in enumerate(course.entries)}
    seen = {t.nodeid: t for t in doc.tests} if doc is not None else {}
    infos = {o.id: o for o in doc.lessons} if doc is not None else {}
    tests: list[TestRow] = []
    rows: list[LessonRow] = []
    for e in plan.lessons:
        mine: list[TestOutcome] = []
        docs: list[str] = []
        for name in plan.expected.get(e.id, []):
            file, _, rest = name.partition("::")
            func = rest.split("::")[-1].split("[", 1)[0]
            docs.append(plan.docs.get((file, func), ""))
            t = seen.get(name)
            if t is None:
                why = problems.get(e.id, NOT_RUN)
                mine.append(TestOutcome(name, e.id, TestStatus.MISSING, _cap(why)))
            else:
                mine.append(
                    TestOutcome(name, e.id, t.status, _cap(t.message), max(t.duration, 0.0))
                )
        info = infos.get(e.id)
        message = problems.get(e.id) or (info.first_message() if info is not None else None)
        outcome = LessonOutcome(e.id, e.title, float(e.points), mine, message=message)
        if outcome.status is Status.DONE or not outcome.first_message():
            outcome.message = None
        rows.append(
            LessonRow(
                lesson=e.id,
                title=e.title,
                position=order[e.id],
                status=outcome.status.value,
                passed=outcome.passed,
                total=outcome.total,
                points=outcome.points,
                max_points=outcome.max_points,
                duration=round(sum(t.duration for t in mine), 4),
                message=_cap(outcome.first_message()),
            )
        )
        tests += [
            TestRow(
                name=t.nodeid,
                lesson=e.id,
                hidden=is_hidden(t.nodeid),
                status=t.status.value,
                message=t.message,
                doc=doc_line,
                duration=t.duration,
            )
            for t, doc_line in zip(mine, docs)
        ]
    return rows, tests


def _causes(graded: Graded, problems: dict[str, str]) -> list[str]:
    causes = [graded.problem] if graded.problem else []
    by_lesson: dict[str, list[TestRow]] = {}
    for t in graded.tests:
        by_lesson.setdefault(t.lesson, []).append(t)
    for row in graded.lessons:
        if row.lesson in problems:
            causes.append(problems[row.lesson])
        elif any(timed_out(t.message) for t in by_lesson.get(row.lesson, [])):
            causes.append(f"lesson {row.lesson}: a test timed out")
        else:
            broken = [
                t for t in by_lesson.get(row.lesson, []) if t.status == TestStatus.CANNOT_LOAD
            ]
            if broken:
                causes.append(broken[0].message)
            elif row.status == Status.FAILING and row.points == 0 and row.message:
                causes.append(f"lesson {row.lesson}: {_short(row.message)}")
    if graded.tamper:
        more = f" (+{len(graded.tamper) - 1} more)" if len(graded.tamper) > 1 else ""
        causes.append(f"TAMPERED: {graded.tamper[0]}{more}")
    return causes


def grade_one(
    course: Course,
    plan: Plan,
    sub: Submission,
    opts: Options,
    skip: Callable[[str, str], bool],
) -> Result:
    with tempfile.TemporaryDirectory(prefix="hexahype-grade-") as tmp:
        work = Path(tmp)
        base = Graded(
            sub.student, sub.repository, "", __version__, course.name, course.version, 0.0
        )
        base.isolation = plan.level
        try:
            source = _open(sub, opts, work)
            staged = staging.stage(
                course, plan.lessons, source, work / "stage", opts.max_file_bytes
            )
        except SourceError as exc:
            base.problem = f"cannot read the submission: {exc}"
            base.lessons, _ = _rows(course, plan, None, {})
            return Result(sub, base, causes=[base.problem])
        base.commit = source.commit or staged.fingerprint()
        if skip(sub.student, base.commit):
            return Result(sub, None, skipped=True)
        if opts.release is not None:
            base.tamper = tamper.changes(source, opts.release)
        config, scratch = _worker_config(plan, staged.folder, work, opts)
        try:
            doc, problem, problems = _run(
                course, plan.lessons, staged.folder, work / "private", opts.limits, config
            )
        finally:
            if not scratch.is_relative_to(work):
                shutil.rmtree(scratch, ignore_errors=True)
        problems = {**staged.problems, **problems}
        base.problem = problem
        base.lessons, base.tests = _rows(course, plan, doc, problems)
        base.duration = sum(r.duration for r in base.lessons)
        return Result(sub, base, causes=_causes(base, problems))


def plan(course: Course, opts: Options) -> Plan:
    """The lessons to grade, their expected tests, and the isolation level for this machine."""
    lessons = gradable(course)
    with tempfile.TemporaryDirectory(prefix="hexahype-collect-") as tmp:
        expected = expected_tests(course, lessons, Path(tmp))
    text = "\n".join(p.read_text("utf-8", "replace") for p in suite_files(lessons))
    marks = {"cl100k_base": "cl100k()", "kit_bpe": "kit_bpe_encoding()"}
    preload = [name for name, mark in marks.items() if mark in text]
    return Plan(
        lessons,
        expected,
        test_docs(course, lessons),
        sandbox.choose(opts.sandbox_mode),
        preload,
    )


def grade_all(
    course: Course,
    subs: list[Submission],
    opts: Options,
    jobs: int,
    done: set[tuple[str, str]],
    shared: Plan | None = None,
) -> Iterator[Result]:
    """Grade `subs` with `jobs` workers, yielding each result as it finishes. Submissions whose
    (student, commit) is in `done` are skipped."""
    the_plan = shared or plan(course, opts)

    def skip(student: str, commit: str) -> bool:
        return bool(commit) and (student, commit) in done

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one, course, the_plan, s, opts, skip): s for s in subs}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - one submission's failure is its own
                sub = futures[future]
                graded = Graded(
                    sub.student,
                    sub.repository,
                    "",
                    __version__,
                    course.name,
                    course.version,
                    0.0,
                    problem=f"grading failed: {exc}",
                )
                graded.isolation = the_plan.level
                graded.lessons, _ = _rows(course, the_plan, None, {})
                yield Result(sub, graded, causes=[graded.problem])
