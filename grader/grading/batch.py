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
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, untrusted
from ..manifest import Course, Lesson
from ..prefork import client as forked
from ..results import LessonOutcome, Status, TestOutcome, TestStatus, is_hidden, lesson_message
from . import collected, harness, sandbox, sources, staging, tamper
from .budget import timed_out
from .gradebook import Graded, LessonRow, TestRow
from .sources import Evidence, Pick, Source, SourceError, Submission, choose, clone, is_url

MESSAGE_CAP = untrusted.MESSAGE_CAP
NOT_RUN = "this check did not run"
OUT_OF_TIME = "not run: the submission's time (--submission-timeout) ran out"
MIN_RUN = 2.0  # seconds: a harness run given less than this is not started


@dataclass(frozen=True)
class Options:
    pick: Pick = field(default_factory=Pick)  # HEAD, --commit or --deadline
    evidence: Mapping[str, Evidence] = field(default_factory=dict)  # student -> the records
    limits: harness.Limits = field(default_factory=harness.Limits)
    max_file_bytes: int = staging.MAX_FILE_BYTES
    release: dict[str, Any] | None = None  # the release manifest; None: no tamper check
    sandbox_mode: str = "auto"  # "auto", "bwrap" or "process"
    worker: sandbox.Limits = field(default_factory=sandbox.Limits)
    allow_network: bool = False  # Dask: grade where student code could reach the network


@dataclass(frozen=True)
class Plan:
    """What every submission of a batch shares: the lessons, their expected tests (collected
    from the instructor's suites, never from a submission's run), docstrings and isolation."""

    lessons: list[Lesson]
    expected: dict[str, list[str]]  # lesson id -> test ids
    docs: dict[tuple[str, str], str]
    level: str
    preload: list[str] = field(default_factory=list)  # tokenizers the tests send the worker
    caps: str = ""  # how the worker's memory, processes and CPU are capped (sandbox.caps_level)
    # lesson id -> a test module of the lesson that cannot be collected: a grading error of
    # that lesson (its suites never run; no points lost), whatever the submission
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (file, line)

    def runnable(self) -> list[Lesson]:
        """The lessons whose suites can run (no grading error)."""
        return [e for e in self.lessons if e.id not in self.errors]


@dataclass
class Result:
    submission: Submission
    graded: Graded | None  # None when skipped
    skipped: bool = False
    causes: list[str] = field(default_factory=list)
    head: str = ""  # the repository's HEAD when it was read (git only), for the records
    seen: list[tuple[str, int, int]] = field(default_factory=list)  # HEAD's history
    commit: str = ""  # a skipped submission's commit (graded before)
    dates: list[str] = field(default_factory=list)  # a skipped submission's date flags

    @property
    def grading_errors(self) -> list[str]:
        """The lessons of this submission that the course's own tests could not grade."""
        if self.graded is None:
            return []
        return [t.lesson for t in self.graded.tests if t.status == TestStatus.SUITE_ERROR]

    def line(self) -> str:
        sub = self.submission
        if self.graded is None:
            line = f"{sub.student} @ {self.commit[:12]}: skipped, already graded (use --force to grade again)"
            if self.dates:
                more = f" (+{len(self.dates) - 1} more)" if len(self.dates) > 1 else ""
                line += f"; DATES: {self.dates[0]}{more}"
            return untrusted.terminal(line)
        g = self.graded
        if not g.commit:  # nothing was graded: never a line that reads like a grade
            why = "; ".join(_reason(c) for c in self.causes)
            why = why or g.problem or "the submission could not be read"
            return untrusted.terminal(f"{sub.student}: not graded: {why}")
        line = f"{sub.student} @ {g.commit[:12]}: {g.points:g} / {g.max_points:g} points"
        line += f" [{g.isolation}]" if g.isolation else ""
        if g.basis and g.basis not in ("HEAD", "--commit"):
            line += f" ({g.basis})"
        return untrusted.terminal(line + (f"; {'; '.join(self.causes)}" if self.causes else ""))


def _reason(cause: str) -> str:
    for prefix in ("cannot read the submission: ", "grading failed: "):
        if cause.startswith(prefix):
            return cause[len(prefix) :]
    return cause


def gradable(course: Course) -> list[Lesson]:
    """The entries the instructor's copy can grade: those with visible or hidden tests."""
    return [e for e in course.entries if e.test_path.exists() or e.hidden_test_path.exists()]


def suite_files(lessons: list[Lesson]) -> list[Path]:
    files = [e.test_path for e in lessons if e.test_path.exists()]
    return files + [e.hidden_test_path for e in lessons if e.hidden_test_path.exists()]


def phase_files(lessons: list[Lesson], hidden: bool) -> list[Path]:
    """The visible (or the hidden) test files of `lessons`, lesson after lesson."""
    return [p for e in lessons if (p := e.hidden_test_path if hidden else e.test_path).exists()]


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
def _open(sub: Submission, opts: Options, work: Path, ends: float) -> Source:
    """The submission's files: a git repository at the chosen commit (read from a private copy
    of its own repository), or a plain folder as it is. A repository that reaches outside its
    folder (sources.Redirected) is graded from the folder's own files, and flagged."""
    folder = Path(sub.location)
    if is_url(sub.location) and not folder.exists():
        folder = clone(sub.location, work / "repo", timeout=max(ends - time.monotonic(), 1.0))
    elif not sources.has_repository(folder):
        if opts.pick.commit is not None or opts.pick.deadline is not None:
            raise SourceError("--commit and --deadline need a git repository, and this is none")
        return Source(folder, None)
    try:
        repo = sources.own_repository(folder, work)
    except sources.Redirected as exc:
        source = Source(folder, None, "its own files (git refused)")
        asked = (
            "; not the commit asked for"
            if opts.pick.commit is not None
            else "; not the head at the deadline"
            if opts.pick.deadline is not None
            else ""
        )
        source.redirected = (
            f"git: {exc}: not read through git; graded from the folder's own files{asked}"
        )
        return source
    evidence = opts.evidence.get(sub.student)
    chosen = choose(repo, opts.pick, evidence)
    source = Source(folder, chosen.commit, chosen.basis, repo)
    source.head, source.seen = sources.sightings(repo)
    source.dates = sources.date_flags(repo, chosen.commit, opts.pick, evidence, time.time())
    return source


def expected_tests(
    course: Course, lessons: list[Lesson], work: Path
) -> tuple[dict[str, list[str]], dict[str, tuple[str, str]]]:
    """lesson id -> the ids of its visible and hidden tests, from a collection-only run; and
    lesson id -> the grading error of a test module of it that cannot be collected."""
    by_file = {}
    for lesson in lessons:
        for path in (lesson.test_path, lesson.hidden_test_path):
            by_file[path.relative_to(course.root).as_posix()] = lesson.id
    out: dict[str, list[str]] = {lesson.id: [] for lesson in lessons}
    found = harness.collect(course.root, suite_files(lessons), work)
    for nodeid in found.ids:
        lesson_id = by_file.get(nodeid.split("::", 1)[0])
        if lesson_id is not None:
            out[lesson_id].append(nodeid)
    errors: dict[str, tuple[str, str]] = {}
    for file, message in sorted(found.errors.items()):
        lesson_id = by_file.get(file)
        if lesson_id is not None:
            errors.setdefault(lesson_id, (file, untrusted.text(message, 500)))
    return out, errors


def _tag() -> str:
    """HEXAHYPE_GRADE_TAG (letters and digits) goes into every worker's marker, so that a test
    can find the processes of its own grading run."""
    raw = os.environ.get("HEXAHYPE_GRADE_TAG", "")
    return "".join(c for c in raw if c.isalnum())[:32] + "-" if raw else ""


def _worker_config(
    plan: Plan,
    staged: Path,
    work: Path,
    opts: Options,
    phase: str,
) -> tuple[Path, Path]:
    """Write the config of one phase's worker for the harness; returns (config, scratch).
    Every phase gets a scratch folder and a marker of its own: nothing a worker of one phase
    leaves behind is seen by the worker of the next."""
    private = work / "private"
    private.mkdir(mode=0o700, exist_ok=True)
    if plan.level == "bwrap":
        scratch = work / f"scratch-{phase}"
        scratch.mkdir()
        impl = staged
    else:  # a plain process reads the submission and the kit's runtime from a private copy:
        # a folder of 0700 that the worker's user gets when it starts, outside any shared /tmp
        base = sandbox.scratch_base() if plan.level == "process-uid" else None
        scratch = Path(tempfile.mkdtemp(prefix=f"hexahype-worker-{phase}-", dir=base or work))
        impl = scratch / "exercises"
        shutil.copytree(staged, impl)
    config = private / f"worker-{phase}.json"
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
                "caps": plan.caps,
            }
        ),
        encoding="utf-8",
    )
    return config, scratch


@dataclass
class Phase:
    """One phase of a submission's grading: the visible suites, or the hidden ones."""

    hidden: bool
    config: Path | None
    ends: float  # time.monotonic() by which the phase must be over


@dataclass
class Ran:
    """What the harness runs of one submission reported."""

    tests: dict[str, TestOutcome] = field(default_factory=dict)
    problem: str = ""  # about the submission as a whole
    problems: dict[str, str] = field(default_factory=dict)  # lesson id -> one line


def _problem(outcome: harness.Outcome, hidden: bool) -> str:
    """A harness run's problem as one line. A hidden run's never quotes its output: that
    output has seen the hidden inputs."""
    return outcome.problem.split(":", 1)[0] if hidden else untrusted.text(outcome.problem, 300)


def _harness(
    course: Course,
    files: list[Path],
    impl: Path,
    work: Path,
    limits: harness.Limits,
    name: str,
    phase: Phase,
    seconds: float,
) -> harness.Outcome:
    one = harness.Limits(limits.test_timeout, seconds, limits.file_mb, limits.memory_mb)
    return harness.run(course.root, files, impl, work, one, name, phase.config)


def _run_phase(
    course: Course,
    lessons: list[Lesson],
    impl: Path,
    work: Path,
    limits: harness.Limits,
    phase: Phase,
    ran: Ran,
) -> None:
    """Run one phase's suites at once; if that run dies, run them lesson by lesson, so that
    only the lesson that brings pytest down loses its points. Never past `phase.ends`."""
    kind = "hidden" if phase.hidden else "visible"
    mine = [e for e in lessons if (e.hidden_test_path if phase.hidden else e.test_path).exists()]
    if not mine:
        return
    left = phase.ends - time.monotonic()
    if left < MIN_RUN:
        for e in mine:
            ran.problems.setdefault(e.id, f"lesson {e.id}: {OUT_OF_TIME}")
        return
    outcome = _harness(
        course, phase_files(mine, phase.hidden), impl, work, limits, kind, phase, left
    )
    if outcome.doc is not None:
        ran.tests.update({t.nodeid: t for t in outcome.doc.tests})
        return
    note = f"the {kind} run {_problem(outcome, phase.hidden)}; graded lesson by lesson"
    ran.problem = f"{ran.problem}; {note}" if ran.problem else note
    for i, lesson in enumerate(mine):
        left = phase.ends - time.monotonic()
        share = max(left / (len(mine) - i), min(left, 3 * limits.test_timeout + 10))
        if share < MIN_RUN:
            ran.problems.setdefault(lesson.id, f"lesson {lesson.id}: {OUT_OF_TIME}")
            continue
        single = _harness(
            course,
            phase_files([lesson], phase.hidden),
            impl,
            work,
            limits,
            f"{kind}-l{lesson.id}",
            phase,
            share,
        )
        if single.doc is None:
            ran.problems.setdefault(
                lesson.id, f"lesson {lesson.id}: {kind} pytest {_problem(single, phase.hidden)}"
            )
            continue
        ran.tests.update({t.nodeid: t for t in single.doc.tests})


def _run(
    course: Course,
    plan: Plan,
    impl: Path,
    work: Path,
    limits: harness.Limits,
    configs: tuple[Path | None, Path | None],
    ends: float,
) -> Ran:
    """Every visible suite first, then every hidden suite in a fresh harness and a fresh worker:
    no process or file that has seen a hidden input outlives into a run whose messages the
    student reads. The visible phase may use the time in proportion to its tests, the hidden
    phase whatever is left; nothing runs past `ends`."""
    counts = [0, 0]
    for ids in plan.expected.values():
        for nodeid in ids:
            counts[is_hidden(nodeid)] += 1
    now = time.monotonic()
    split = now + (ends - now) * (counts[0] / max(sum(counts), 1) if counts[1] else 1.0)
    ran = Ran()
    lessons = plan.runnable()
    _run_phase(course, lessons, impl, work, limits, Phase(False, configs[0], split), ran)
    _run_phase(course, lessons, impl, work, limits, Phase(True, configs[1], ends), ran)
    return ran


def _short(text: str, limit: int = 160) -> str:
    return untrusted.text(text, limit)


def _cap(text: str) -> str:
    return untrusted.text(text, MESSAGE_CAP)


def hidden_names(tests: list[TestOutcome]) -> str:
    """Failed hidden checks by function name only (parameters may hold hidden inputs)."""
    names = [t.nodeid.split("::")[-1].split("[", 1)[0] for t in tests if t.hidden and not t.passed]
    names = list(dict.fromkeys(names))
    more = f" (+{len(names) - 3} more)" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


def lesson_line(outcome: LessonOutcome) -> str:
    """The one message a lesson shows anywhere a student or the terminal reads it: from its
    visible tests only; a lesson whose visible tests all pass names its failed hidden checks."""
    if outcome.status is Status.DONE:
        return ""
    if outcome.grading_error:
        return outcome.grading_error
    visible = outcome.part(hidden=False)
    if any(not t.passed for t in visible):
        return lesson_message(visible)
    names = hidden_names(outcome.tests)
    return f"hidden checks fail: {names}" if names else ""


def _rows(
    course: Course,
    plan: Plan,
    ran: Ran | None,
    problems: dict[str, str],
) -> tuple[list[LessonRow], list[TestRow]]:
    """Score every lesson from its expected tests: a test counts only when the harness saw it
    pass; a missing, skipped or errored test scores 0, and unexpected ones are ignored. Every
    message passes the sanitiser here, where the grader receives it from the harness."""
    order = {e.id: i for i, e in enumerate(course.entries)}
    seen = ran.tests if ran is not None else {}
    run_errors = {
        t.lesson: (t.nodeid, _cap(t.message))
        for t in seen.values()
        if t.status is TestStatus.SUITE_ERROR
    }
    tests: list[TestRow] = []
    rows: list[LessonRow] = []
    for e in plan.lessons:
        mine: list[TestOutcome] = []
        docs: list[str] = []
        # the course's failure: a suite of this lesson that could not be collected, before the
        # batch or (a bundle's stored collection) in the run itself; nothing of it counts
        error = plan.errors.get(e.id) or run_errors.get(e.id)
        if error is not None:
            mine.append(TestOutcome(error[0], e.id, TestStatus.SUITE_ERROR, error[1]))
            docs.append("")
        for name in plan.expected.get(e.id, []) if error is None else []:
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
        outcome = LessonOutcome(e.id, e.title, float(e.points), mine)
        message = problems.get(e.id) or lesson_line(outcome)
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
                message=_cap(message),
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
        errors = [t for t in by_lesson.get(row.lesson, []) if t.status == TestStatus.SUITE_ERROR]
        if errors:
            causes.append(
                f"GRADING ERROR in lesson {row.lesson} (not the student's): {errors[0].message}"
            )
        elif row.lesson in problems:
            causes.append(problems[row.lesson])
        elif any(timed_out(t.message) for t in by_lesson.get(row.lesson, [])):
            causes.append(f"lesson {row.lesson}: a test timed out")
        else:
            broken = [
                t
                for t in by_lesson.get(row.lesson, [])
                if t.status == TestStatus.CANNOT_LOAD and not t.hidden
            ]
            if broken:
                causes.append(broken[0].message)
            elif row.status == Status.FAILING and row.points == 0 and row.message:
                causes.append(f"lesson {row.lesson}: {_short(row.message)}")
    if graded.tamper:
        more = f" (+{len(graded.tamper) - 1} more)" if len(graded.tamper) > 1 else ""
        causes.append(f"TAMPERED: {graded.tamper[0]}{more}")
    if graded.dates:
        more = f" (+{len(graded.dates) - 1} more)" if len(graded.dates) > 1 else ""
        causes.append(f"DATES: {graded.dates[0]}{more}")
    return [untrusted.terminal(c, 400) for c in causes]


def grade_one(
    course: Course,
    plan: Plan,
    sub: Submission,
    opts: Options,
    skip: Callable[[str, str], bool] = lambda student, commit: False,
) -> Result:
    """Grade one submission (a folder or a git URL) in a fresh temporary folder: the stable
    entry point for exporters. Never takes longer than `opts.limits.timeout` seconds
    (--submission-timeout) in all, fetching, fallbacks and retries included, and raises nothing
    for a broken submission: its problems are in the result."""
    ends = time.monotonic() + opts.limits.timeout
    with tempfile.TemporaryDirectory(prefix="hexahype-grade-") as tmp:
        work = Path(tmp)
        base = Graded(
            sub.student, sub.repository, "", __version__, course.name, course.version, 0.0
        )
        base.isolation = sandbox.recorded(plan.level)
        base.caps = plan.caps
        try:
            source = _open(sub, opts, work, ends)
            staged = staging.stage(
                course, plan.lessons, source, work / "stage", opts.max_file_bytes
            )
        except SourceError as exc:
            base.problem = untrusted.text(f"cannot read the submission: {exc}", 500)
            base.lessons, _ = _rows(course, plan, None, {})
            return Result(sub, base, causes=[base.problem])
        base.commit = source.commit or staged.fingerprint()
        base.basis = source.basis
        base.dates = list(source.dates)
        if skip(sub.student, base.commit):  # graded before; its date flags are still news
            return Result(
                sub,
                None,
                skipped=True,
                head=source.head,
                seen=source.seen,
                commit=base.commit,
                dates=base.dates,
            )
        if source.redirected:
            base.tamper.append(untrusted.name(source.redirected, 300))
        if opts.release is not None:
            base.tamper += [untrusted.name(t, 300) for t in tamper.changes(source, opts.release)]
        configs: list[Path | None] = []
        scratches: list[Path] = []
        try:
            for phase in ("visible", "hidden"):
                config, scratch = _worker_config(plan, staged.folder, work, opts, phase)
                configs.append(config)
                scratches.append(scratch)
            ran = _run(
                course,
                plan,
                staged.folder,
                work / "private",
                opts.limits,
                (configs[0], configs[1]),
                ends,
            )
        finally:
            for scratch in scratches:
                if not scratch.is_relative_to(work):
                    shutil.rmtree(scratch, ignore_errors=True)
        problems = {**staged.problems, **ran.problems}
        base.problem = ran.problem
        base.lessons, base.tests = _rows(course, plan, ran, problems)
        base.duration = opts.limits.timeout - max(ends - time.monotonic(), 0.0)  # wall time
        causes = _causes(base, problems)
        return Result(sub, base, causes=causes, head=source.head, seen=source.seen)


def plan(course: Course, opts: Options, only: Iterable[str] | None = None) -> Plan:
    """The lessons to grade (all gradable ones, or those of `only`), their expected tests, and
    the isolation level for this machine. Only the chosen lessons' suites are collected."""
    lessons = gradable(course)
    if only is not None:
        wanted = set(only)
        lessons = [e for e in lessons if e.id in wanted]
    stored = collected.read(course, lessons)
    with tempfile.TemporaryDirectory(prefix="hexahype-collect-") as tmp:
        if stored is None:
            expected, errors, docs = collection(course, lessons, Path(tmp))
        else:  # a bundle's stored collection: only the fork server, which collecting starts
            expected, errors, docs = stored
            forked.prestart(course.root, harness.environment(Path(tmp)))
    text = "\n".join(p.read_text("utf-8", "replace") for p in suite_files(lessons))
    marks = {"cl100k_base": "cl100k()", "kit_bpe": "kit_bpe_encoding()"}
    preload = [name for name, mark in marks.items() if mark in text]
    level = sandbox.choose(opts.sandbox_mode)
    check_private(course, level)
    return Plan(
        lessons,
        expected,
        docs,
        level,
        preload,
        sandbox.caps_level(level),
        errors,
    )


def collection(course: Course, lessons: list[Lesson], work: Path) -> collected.Collection:
    """The expected tests of `lessons`, the grading errors of suites that cannot be collected,
    and the tests' docstrings: a collection-only run and a parse of the suites."""
    expected, errors = expected_tests(course, lessons, work)
    return expected, errors, test_docs(course, lessons)


def stored_collection(course: Course) -> bytes:
    """`collected.PATH` of a bundle: the collection of every gradable lesson, made now."""
    lessons = gradable(course)
    with tempfile.TemporaryDirectory(prefix="hexahype-collect-") as tmp:
        return collected.build(course, lessons, lambda: collection(course, lessons, Path(tmp)))


def check_private(course: Course, level: str) -> None:
    """A worker's own user that runs without namespaces sees the host as it is: refuse when it
    could read the course's hidden tests or solutions (RuntimeError)."""
    if level != "process-uid" or sandbox.namespaces_work():
        return
    lessons = [e for e in course.entries if e.is_lesson]
    paths = [e.hidden_test_path for e in lessons] + [e.solution_path for e in lessons]
    leaks = sandbox.exposed([p for p in paths if p.exists()])
    if leaks:
        raise RuntimeError(
            f"the course's hidden tests or solutions are readable by other users ({leaks[0]}"
            f"{f' and {len(leaks) - 1} more' if len(leaks) > 1 else ''}), so a worker's user "
            "could read them, and this machine gives workers no namespaces to hide them: "
            "chmod -R o-rwx solutions tests/hidden, or install bubblewrap"
        )


def failed(course: Course, plan: Plan, sub: Submission, why: str) -> Result:
    """The result of a submission that could not be graded: no commit, so never recorded."""
    graded = Graded(
        sub.student,
        sub.repository,
        "",
        __version__,
        course.name,
        course.version,
        0.0,
        problem=untrusted.text(f"grading failed: {why}", 500),
    )
    graded.isolation = sandbox.recorded(plan.level)
    graded.caps = plan.caps
    graded.lessons, _ = _rows(course, plan, None, {})
    return Result(sub, graded, causes=[graded.problem])


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
                yield failed(course, the_plan, futures[future], str(exc))
