"""Grade submissions: fetch, stage, run the visible and hidden suites, compare with the release,
and turn the results into gradebook rows. Submissions run in parallel; each one's failure stays
its own."""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..manifest import Course, Lesson
from . import harness, staging, tamper
from .gradebook import Graded, LessonRow, TestRow
from .sources import Source, SourceError, Submission, clone, is_url, resolve_commit

TIMEOUT_MARK = "from pytest-timeout"
MESSAGE_CAP = 2000


@dataclass(frozen=True)
class Options:
    at: str | None = None
    limits: harness.Limits = field(default_factory=harness.Limits)
    max_file_bytes: int = staging.MAX_FILE_BYTES
    release: dict[str, Any] | None = None  # the release manifest; None: no tamper check


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
        return head + (f"; {'; '.join(self.causes)}" if self.causes else "")


def gradable(course: Course) -> list[Lesson]:
    """The entries the instructor's copy can grade: those with visible or hidden tests."""
    return [e for e in course.entries if e.test_path.exists() or e.hidden_test_path.exists()]


def suite_files(lessons: list[Lesson]) -> list[Path]:
    files = [e.test_path for e in lessons if e.test_path.exists()]
    return files + [e.hidden_test_path for e in lessons if e.hidden_test_path.exists()]


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


def _run(
    course: Course, lessons: list[Lesson], impl: Path, work: Path, limits: harness.Limits
) -> tuple[dict[str, Any], str, dict[str, str]]:
    """Run every suite at once; if that run dies, run lesson by lesson so that only the
    lesson that brings pytest down loses its points. Returns (results, problem, per-lesson
    problems)."""
    outcome = harness.run(course.root, suite_files(lessons), impl, work, limits, "all")
    if outcome.doc is not None:
        return outcome.doc, "", {}
    merged: dict[str, Any] = {"lessons": [], "tests": []}
    per_lesson: dict[str, str] = {}
    share = max(limits.timeout / max(len(lessons), 1), 3 * limits.test_timeout + 10)
    one = harness.Limits(limits.test_timeout, share, limits.file_mb, limits.memory_mb)
    for lesson in lessons:
        single = harness.run(course.root, suite_files([lesson]), impl, work, one, f"l{lesson.id}")
        if single.doc is None:
            per_lesson[lesson.id] = f"lesson {lesson.id}: pytest {single.problem}"
            continue
        merged["lessons"] += single.doc.get("lessons", [])
        merged["tests"] += single.doc.get("tests", [])
    return merged, f"the full run {outcome.problem}; graded lesson by lesson", per_lesson


def _cap(text: str) -> str:
    return text if len(text) <= MESSAGE_CAP else text[: MESSAGE_CAP - 3] + "..."


def _rows(
    course: Course,
    lessons: list[Lesson],
    doc: dict[str, Any],
    problems: dict[str, str],
    docs: dict[tuple[str, str], str],
) -> tuple[list[LessonRow], list[TestRow]]:
    infos = {info["id"]: info for info in doc.get("lessons", [])}
    order = {e.id: i for i, e in enumerate(course.entries)}
    tests: list[TestRow] = []
    durations: dict[str, float] = {}
    for t in doc.get("tests", []):
        file, _, rest = str(t["name"]).partition("::")
        func = rest.split("::")[-1].split("[", 1)[0]
        tests.append(
            TestRow(
                name=str(t["name"]),
                lesson=str(t["lesson"]),
                hidden=bool(t.get("hidden")),
                status=str(t["status"]),
                message=_cap(str(t.get("message", ""))),
                doc=docs.get((file, func), ""),
                duration=float(t.get("duration", 0.0)),
            )
        )
        durations[t["lesson"]] = durations.get(t["lesson"], 0.0) + float(t.get("duration", 0.0))
    rows: list[LessonRow] = []
    for e in lessons:
        info = infos.get(e.id)
        if info is None:
            rows.append(
                LessonRow(
                    e.id,
                    e.title,
                    order[e.id],
                    "error",
                    0,
                    0,
                    0.0,
                    float(e.points),
                    0.0,
                    problems.get(e.id, "no test of this lesson ran"),
                )
            )
            continue
        rows.append(
            LessonRow(
                lesson=e.id,
                title=e.title,
                position=order[e.id],
                status=str(info["status"]),
                passed=int(info["passed"]),
                total=int(info["total"]),
                points=float(info["points"]),
                max_points=float(e.points),
                duration=durations.get(e.id, 0.0),
                message=_cap(problems.get(e.id) or str(info.get("message", ""))),
            )
        )
    return rows, tests


def _causes(graded: Graded, problems: dict[str, str]) -> list[str]:
    causes = [graded.problem] if graded.problem else []
    by_lesson: dict[str, list[TestRow]] = {}
    for t in graded.tests:
        by_lesson.setdefault(t.lesson, []).append(t)
    for row in graded.lessons:
        if row.lesson in problems:
            causes.append(problems[row.lesson])
        elif any(TIMEOUT_MARK in t.message for t in by_lesson.get(row.lesson, [])):
            causes.append(f"lesson {row.lesson}: a test timed out")
        else:
            broken = [t for t in by_lesson.get(row.lesson, []) if t.status == "cannot load"]
            if broken:
                causes.append(broken[0].message)
    if graded.tamper:
        more = f" (+{len(graded.tamper) - 1} more)" if len(graded.tamper) > 1 else ""
        causes.append(f"TAMPERED: {graded.tamper[0]}{more}")
    return causes


def grade_one(
    course: Course,
    lessons: list[Lesson],
    sub: Submission,
    opts: Options,
    docs: dict[tuple[str, str], str],
    skip: Callable[[str, str], bool],
) -> Result:
    with tempfile.TemporaryDirectory(prefix="hexahype-grade-") as tmp:
        work = Path(tmp)
        base = Graded(
            sub.student, sub.repository, "", __version__, course.name, course.version, 0.0
        )
        try:
            source = _open(sub, opts, work)
            staged = staging.stage(course, lessons, source, work / "stage", opts.max_file_bytes)
        except SourceError as exc:
            base.problem = f"cannot read the submission: {exc}"
            base.lessons, _ = _rows(course, lessons, {}, {}, docs)
            return Result(sub, base, causes=[base.problem])
        base.commit = source.commit or staged.fingerprint()
        if skip(sub.student, base.commit):
            return Result(sub, None, skipped=True)
        if opts.release is not None:
            base.tamper = tamper.changes(source, opts.release)
        doc, problem, problems = _run(course, lessons, staged.folder, work, opts.limits)
        problems = {**staged.problems, **problems}
        base.problem = problem
        base.lessons, base.tests = _rows(course, lessons, doc, problems, docs)
        base.duration = sum(r.duration for r in base.lessons)
        return Result(sub, base, causes=_causes(base, problems))


def grade_all(
    course: Course, subs: list[Submission], opts: Options, jobs: int, done: set[tuple[str, str]]
) -> Iterator[Result]:
    """Grade `subs` with `jobs` workers, yielding each result as it finishes. Submissions whose
    (student, commit) is in `done` are skipped."""
    lessons = gradable(course)
    docs = test_docs(course, lessons)

    def skip(student: str, commit: str) -> bool:
        return bool(commit) and (student, commit) in done

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(grade_one, course, lessons, s, opts, docs, skip): s for s in subs}
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
                graded.lessons, _ = _rows(course, lessons, {}, {}, docs)
                yield Result(sub, graded, causes=[graded.problem])
