"""`hexahype grade SUBMISSION...`: the authoritative grading, with the hidden suites.

Each submission (a student repository folder, a git URL or path, or a folder of them) is graded
at one commit: its exercise modules are staged by whitelist and the instructor's visible and
hidden tests run against them in a child process. Results go to the SQLite gradebook, one
transaction per submission, so a killed batch resumes where it stopped. Every git submission's
HEAD is also recorded with the time it was seen (the evidence `--deadline` goes by, as
`hexahype collect` records it).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path

from .. import untrusted
from ..manifest import Course
from ..usage import UsageError
from . import batch, harness, sandbox, staging, tamper
from .gradebook import DEFAULT_PATH, Gradebook
from .sources import Pick, discover, full_commit, parse_deadline


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


def run(args: argparse.Namespace, course: Course) -> int:
    if not harness.timeout_available():
        print(
            "hexahype grade: pytest-timeout is not installed (pip install pytest-timeout)",
            file=sys.stderr,
        )
        return 2
    subs, problems = discover(args.submissions)
    for line in problems:
        print(f"hexahype grade: {line}", file=sys.stderr)
    if not subs:
        return 2
    try:
        released = tamper.load_release(course, args.release)
    except (OSError, ValueError) as exc:
        print(f"hexahype grade: cannot read the release manifest: {exc}", file=sys.stderr)
        return 2
    pick = _pick(args)
    opts = batch.Options(
        pick=pick,
        limits=harness.Limits(test_timeout=args.timeout, timeout=args.submission_timeout),
        max_file_bytes=args.max_file_kb * 1024,
        release=released,
        sandbox_mode=args.sandbox,
        worker=sandbox.Limits(
            memory_mb=args.worker_memory_mb, cpu_seconds=int(args.submission_timeout) + 30
        ),
    )
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
    graded = skipped = flagged = unreadable = 0
    with Gradebook(args.gradebook) as book:
        done: set[tuple[str, str]] = set()
        if not args.force:
            done = {
                (r["student"], r["commit_sha"])
                for r in book.db.execute("SELECT student, commit_sha FROM submissions")
            }
        opts = dataclasses.replace(opts, evidence=book.evidence())
        for result in batch.grade_all(course, subs, opts, jobs, done, plan):
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
                book.record(result.graded)
                graded += 1
                flagged += bool(result.graded.tamper or result.graded.dates)
            else:
                skipped += 1
            print(result.line(), flush=True)
    print(
        f"graded {graded}, skipped {skipped}, flagged {flagged}, unreadable {unreadable}; "
        f"gradebook: {untrusted.name(args.gradebook)}"
    )
    return 1 if problems or unreadable else 0


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
