"""`hexahype grade SUBMISSION...`: the authoritative grading, with the hidden suites.

Each submission (a student repository folder, a git URL or path, a folder of them, or the folder
`gh teacher download` writes for a Classroom 50 assignment) is graded at one commit: its
exercise modules are staged by whitelist and the instructor's visible and hidden tests run
against them in a child process. Results go to the SQLite gradebook, one
transaction per submission, so a killed batch resumes where it stopped. A `gh teacher download`
folder (it has a `scores.csv`) is graded under its students' usernames, the files Classroom 50
adds on accept never flag a repository, and `--scores-csv` writes the points back out in that
`scores.csv` layout (`grader.grading.download`).

Every git submission's HEAD is also recorded with the time it was seen (the evidence
`--deadline` goes by, as `hexahype collect` records it); the first time a graded commit was
seen is when it counts as handed in for the late policy.

`options(args, released)` turns this verb's arguments into the batch options; the platform
integrations build theirs from the same arguments, so they grade with the same limits.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Any

from .. import progressbar, untrusted
from ..manifest import Course
from ..usage import UsageError
from . import batch, download, executors, harness, sandbox, staging, tamper
from .gradebook import DEFAULT_PATH, Gradebook, Graded
from .insight import late, scores
from .insight.safe import term
from .sources import Pick, Submission, discover, full_commit, parse_deadline


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a student repository (folder, git URL or path) or a folder of them",
    )
    parser.add_argument(
        "--gradebook",
        type=Path,
        default=DEFAULT_PATH,
        help=f"the SQLite gradebook (default {DEFAULT_PATH})",
    )
    parser.add_argument(
        "--commit",
        metavar="SHA",
        default=None,
        help="grade this exact commit (a full 40-digit id; never a branch or tag)",
    )
    parser.add_argument(
        "--deadline",
        metavar="DATE",
        default=None,
        help="grade the head the records show at this date (2030-01-31T23:59): the last "
        "`hexahype collect` (or grade) at or before it; commit dates decide nothing",
    )
    parser.add_argument(
        "--trust-commit-dates",
        action="store_true",
        help="with --deadline and no record from before it: take the last commit the "
        "student's own dates put before it (forgeable; the gradebook says so)",
    )
    parser.add_argument(
        "--at",
        metavar="SHA_OR_DATE",
        default=None,
        help="shorthand: a full commit id is --commit, a date is --deadline",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=None,
        help="submissions graded in parallel (default: the number of cores; 1 where workers "
        "cannot run as separate users)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds one test may run (default 30)"
    )
    parser.add_argument(
        "--submission-timeout",
        type=float,
        default=600.0,
        help="seconds the suites of one submission may run (default 600)",
    )
    parser.add_argument(
        "--max-file-kb",
        type=int,
        default=staging.MAX_FILE_BYTES // 1024,
        help="largest exercise file staged, in KiB (default 256)",
    )
    parser.add_argument(
        "--release",
        type=Path,
        default=None,
        help="hexahype-release.json (or the template folder) to compare tests, "
        "workflows and grader files with (default: the release this kit builds)",
    )
    parser.add_argument(
        "--sandbox",
        choices=("auto", "bwrap", "process"),
        default="auto",
        help="how student code is isolated: bubblewrap when it works (auto, the default), "
        "bubblewrap or fail (bwrap), or a plain process with limits (process)",
    )
    parser.add_argument(
        "--worker-memory-mb",
        type=int,
        default=sandbox.Limits.memory_mb,
        help=f"memory cap of the process running student code (default {sandbox.Limits.memory_mb})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="grade again submissions whose commit is already in the gradebook",
    )
    parser.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where submissions are graded: --jobs at a time on this machine (local, the "
        "default), or on a Dask cluster (dask: a local cluster of --jobs worker processes, or "
        "the one --scheduler names; needs the dask extra)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="a running Dask scheduler, such as tls://HOST:8786 (implies --executor dask; a "
        "tcp:// one authenticates no one, and grade warns)",
    )
    parser.add_argument(
        "--require-isolation",
        choices=("bwrap", "process"),
        default=None,
        help="grade only where student code is isolated at least this well: bwrap refuses "
        "machines (or Dask workers) without bubblewrap (the Dask executor's default; "
        "process lets it grade at a process level)",
    )
    parser.add_argument(
        "--allow-network",
        action="store_true",
        help="Dask executor at a process level on a node that gives workers no network "
        "namespace: grade anyway (student code could then reach the cluster's network; "
        "the screen and the gradebook say so)",
    )
    parser.add_argument(
        "--scores-csv",
        type=Path,
        default=None,
        metavar="OUT.csv",
        help="also write the points in the scores.csv layout of `gh teacher download` "
        "(every SUBMISSION must then be such a folder)",
    )


def options(args: argparse.Namespace, released: dict[str, Any] | None) -> batch.Options:
    """The batch options of these arguments (the limits and sandbox of `hexahype grade`)."""
    return batch.Options(
        pick=_pick(args),
        limits=harness.Limits(test_timeout=args.timeout, timeout=args.submission_timeout),
        max_file_bytes=args.max_file_kb * 1024,
        release=released,
        sandbox_mode=args.sandbox,
        allow_network=bool(getattr(args, "allow_network", False)),
        worker=sandbox.Limits(
            memory_mb=args.worker_memory_mb, cpu_seconds=int(args.submission_timeout) + 30
        ),
    )


def _submissions(
    args: argparse.Namespace,
) -> tuple[list[Submission], list[str], list[download.Download]]:
    """The command line's submissions, problems and `gh teacher download` folders; raises
    DownloadError for a folder that should be, or looks like, one but is not."""
    downloads: list[download.Download] = []
    plain: list[str] = []
    for item in args.submissions:
        if args.scores_csv is not None or download.is_download(Path(item)):
            downloads.append(download.read(Path(item)))
        else:
            plain.append(item)
    subs, problems = discover(plain) if plain else ([], [])
    seen = {s.student for s in subs}
    for folder in downloads:
        if not folder.repos:
            problems.append(f"{folder.folder}: no student repository in it yet")
        for line in folder.unmatched:  # said, never dropped silently (not an error)
            print(f"hexahype grade: {untrusted.name(folder.folder)}/{line}", file=sys.stderr)
        for sub in folder.submissions():
            if sub.student in seen:
                problems.append(
                    f"{sub.repository}: a second submission named {sub.student}; skipped"
                )
                continue
            seen.add(sub.student)
            subs.append(sub)
    return subs, problems, downloads


def _print_lateness(
    book: Gradebook, policy: late.Policy, course: Course, students: set[str]
) -> None:
    """One line per late lesson of the students just graded. Lateness follows from each
    submission's recorded `submitted_at` (the grading time unless trusted evidence set it)."""
    try:
        everyone = scores.for_course(book, course, policy)
    except late.PolicyError as exc:
        print(f"hexahype grade: lateness not computed: {exc}", file=sys.stderr)
        return
    for student in everyone:
        if student.student not in students:
            continue
        for item in student.lessons:
            if item.late_days and item.raw > 0:
                free = f", {item.free_days} free" if item.free_days else ""
                print(
                    f"late: {term(student.student)} {item.lesson} by {item.late_days} day(s){free}, "
                    f"-{item.penalty:g} points"
                )


def run(args: argparse.Namespace, course: Course) -> int:
    if not harness.timeout_available():
        print(
            "hexahype grade: pytest-timeout is not installed (pip install pytest-timeout)",
            file=sys.stderr,
        )
        return 2
    try:  # a wrong late policy stops the batch before it starts
        policy = late.load(course)
    except late.PolicyError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    try:
        subs, problems, downloads = _submissions(args)
    except download.DownloadError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    for line in problems:
        print(f"hexahype grade: {line}", file=sys.stderr)
    if not subs:
        return 2
    try:
        released = tamper.load_release(course, args.release)
    except (OSError, ValueError) as exc:
        print(f"hexahype grade: cannot read the release manifest: {exc}", file=sys.stderr)
        return 2
    opts = options(args, released)
    try:
        plan = batch.plan(course, opts)
    except RuntimeError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    if not any(plan.expected.values()):
        print("hexahype grade: no test of the course could be collected", file=sys.stderr)
        return 2
    jobs = _jobs(args.jobs, plan.level)
    print(
        f"hexahype grade: student code runs isolated by {plan.level}, "
        f"capped by {plan.caps}; {jobs} at a time",
        flush=True,
    )
    for note in sandbox.weaker(plan.level, plan.caps):
        print(f"hexahype grade: weaker isolation: {note}", flush=True)
    try:
        pool = executors.make(args.executor, args.scheduler, jobs)
    except executors.ExecutorError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    try:
        if not isinstance(pool, executors.LocalExecutor):
            if args.require_isolation is None:
                args.require_isolation = executors.DASK_REQUIRES
            if not pool.authenticated:
                print(
                    f"hexahype grade: WARNING: the scheduler {untrusted.name(args.scheduler)} "
                    "is not tls://: it authenticates no one, so anything that reaches it can run "
                    "code here (start the cluster with TLS)",
                    flush=True,
                )
            for node, level in sorted(pool.levels(opts.sandbox_mode).items()):
                note = "" if level == "bwrap" else " (no bubblewrap: weaker isolation)"
                ok = executors.allowed(level, args.require_isolation)
                refused = "" if ok and not executors.network_refused(level, opts) else "; refused"
                if ok and not refused and level.endswith("(network open)"):
                    note += "; WARNING: its student code can reach the network, forced by "
                    note += "--allow-network"
                print(
                    f"hexahype grade: student code runs isolated by {level} on {node}{note}{refused}"
                )
        elif not executors.allowed(plan.level, args.require_isolation):
            print(
                f"hexahype grade: --require-isolation {args.require_isolation}: this machine "
                f"isolates by {plan.level}; refused",
                file=sys.stderr,
            )
            return 2
        return _grade(args, course, subs, downloads, opts, plan, pool, problems, policy)
    except executors.ExecutorError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    finally:
        pool.close()


def _grade(
    args: argparse.Namespace,
    course: Course,
    subs: list[Submission],
    downloads: list[download.Download],
    opts: batch.Options,
    plan: batch.Plan,
    pool: executors.LocalExecutor | executors.DaskExecutor,
    problems: list[str],
    policy: late.Policy,
) -> int:
    graded = skipped = flagged = unreadable = 0
    errors: list[str] = []  # the course's own failures (a suite that cannot be collected)
    points: dict[str, download.GradedScore] = {}
    with Gradebook(args.gradebook) as book:
        done: set[tuple[str, str]] = set()
        just_graded: set[str] = set()
        if not args.force:
            done = {
                (r["student"], r["commit_sha"])
                for r in book.db.execute("SELECT student, commit_sha FROM submissions")
            }
        opts = dataclasses.replace(opts, evidence=book.evidence())
        with progressbar.Counter(len(subs), "hexahype grade") as counter:
            for result in pool.grade(course, subs, opts, done, plan, args.require_isolation):
                counter.advance()
                if result.head:
                    book.record_sighting(
                        result.submission.student,
                        result.submission.repository,
                        result.head,
                        result.seen,
                        "grade",
                    )
                if result.graded is not None and not result.graded.commit:
                    unreadable += 1  # nothing to grade: never replace an earlier grade with it
                elif result.graded is not None:
                    # Classroom 50 writes these at accept time, in every repository it makes,
                    # whether it came from `gh teacher download` or is graded alone
                    download.drop_reserved(result)
                    result.graded.submitted_at = _first_seen(opts, result.graded)
                    book.record(result.graded)
                    just_graded.add(result.graded.student)
                    graded += 1
                    flagged += bool(result.graded.tamper or result.graded.dates)
                    g = result.graded
                    points[g.student] = download.GradedScore(g.points, g.max_points, g.commit)
                else:
                    skipped += 1
                    if result.dates:  # a date flag is evidence whether or not the commit is new
                        book.add_date_flags(result.submission.student, result.commit, result.dates)
                        flagged += 1
                    points.update(_earlier(book, result.submission.student))
                errors += [
                    f"{result.submission.student} {lesson}" for lesson in result.grading_errors
                ]
                counter.print(f"{result.line()}  {counter.note()}")
        if policy.active and just_graded:
            _print_lateness(book, policy, course, just_graded)
    if args.scores_csv is not None:
        lines = download.write_scores(args.scores_csv, downloads, points)
        print(f"scores.csv layout: {lines} students with points in {args.scores_csv}")
    print(
        f"graded {graded}, skipped {skipped}, flagged {flagged}, unreadable {unreadable}; "
        f"gradebook: {untrusted.name(args.gradebook)}"
    )
    for lesson, (file, line) in sorted(plan.errors.items()):
        print(
            f"hexahype grade: GRADING ERROR in lesson {lesson}, not the students': "
            f"{untrusted.terminal(line, 400)}; its points were not graded (fix {file}, then "
            "grade again with --force)",
            file=sys.stderr,
        )
    if errors and not plan.errors:
        print(f"hexahype grade: GRADING ERROR in {len(errors)} lessons", file=sys.stderr)
    return 1 if problems or unreadable or errors else 0


def _earlier(book: Gradebook, student: str) -> dict[str, download.GradedScore]:
    """A skipped student's latest grading, from the gradebook."""
    row = book.db.execute(
        "SELECT points, max_points, commit_sha FROM submissions WHERE student = ? "
        "ORDER BY id DESC LIMIT 1",
        (student,),
    ).fetchone()
    if row is None:
        return {}
    return {student: download.GradedScore(row["points"], row["max_points"], row["commit_sha"])}


def _pick(args: argparse.Namespace) -> Pick:
    """--commit, --deadline (or --at, one of the two by its form): never a name to resolve."""
    commit, deadline = args.commit, args.deadline
    if args.at is not None:
        if commit is not None or deadline is not None:
            raise UsageError("--at is a shorthand for --commit or --deadline; give only one")
        looks_hex = all(c in "0123456789abcdefABCDEF" for c in args.at.strip())
        commit, deadline = (args.at, None) if looks_hex else (None, args.at)
    if commit is not None and deadline is not None:
        raise UsageError("--commit and --deadline exclude each other")
    try:
        return Pick(
            commit=full_commit(commit) if commit is not None else None,
            deadline=parse_deadline(deadline) if deadline is not None else None,
            trust_commit_dates=args.trust_commit_dates,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _jobs(asked: int | None, level: str) -> int:
    """Parallel submissions: workers of concurrent submissions must not reach each other, so
    levels without a user (or namespace) of their own grade one at a time."""
    if level in sandbox.SHARED_LEVELS:
        if asked is not None and asked > 1:
            raise UsageError(
                f"--jobs {asked}: with isolation {level} the workers of parallel submissions "
                "run as one user and could kill or trace each other; use --jobs 1, bubblewrap, "
                "or grade as root (a separate user per worker)"
            )
        return 1
    return max(1, asked if asked is not None else os.cpu_count() or 1)


def _first_seen(opts: batch.Options, graded: Graded) -> str:
    """When the graded commit counts as handed in: the first time the instructor's records saw
    it (a collection or an earlier grading); never a date from the commit itself. Empty when
    the records have not seen it: the gradebook then takes the grading time, the same moment
    it writes as `graded_at`."""
    evidence = opts.evidence.get(graded.student)
    when = evidence.first_seen.get(graded.commit) if evidence is not None else None
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(when)) if when else ""
