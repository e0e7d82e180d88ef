"""`hexahype grade SUBMISSION...`: the authoritative grading, with the hidden suites.

Each submission (a student repository folder, a git URL or path, or a folder of them) is graded
at one commit: its exercise modules are staged by whitelist and the instructor's visible and
hidden tests run against them in a child process. Results go to the SQLite gradebook, one
transaction per submission, so a killed batch resumes where it stopped.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..manifest import Course
from . import batch, harness, sandbox, staging, tamper
from .gradebook import DEFAULT_PATH, Gradebook
from .insight import late, scores
from .insight.safe import term
from .sources import discover


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
        "--at",
        metavar="COMMIT_OR_DATE",
        default=None,
        help="grade this commit, or the last commit before this date (deadline)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="submissions graded in parallel (default: the number of cores)",
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
    opts = batch.Options(
        at=args.at,
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
    note = "" if plan.level == "bwrap" else " (no bubblewrap: weaker isolation)"
    print(f"hexahype grade: student code runs isolated by {plan.level}{note}", flush=True)
    graded = skipped = flagged = unreadable = 0
    with Gradebook(args.gradebook) as book:
        done: set[tuple[str, str]] = set()
        just_graded: set[str] = set()
        if not args.force:
            done = {
                (r["student"], r["commit_sha"])
                for r in book.db.execute("SELECT student, commit_sha FROM submissions")
            }
        for result in batch.grade_all(course, subs, opts, args.jobs, done, plan):
            if result.graded is not None and not result.graded.commit:
                unreadable += 1  # nothing to grade: never replace an earlier grade with it
            elif result.graded is not None:
                book.record(result.graded)
                just_graded.add(result.graded.student)
                graded += 1
                flagged += bool(result.graded.tamper)
            else:
                skipped += 1
            print(result.line(), flush=True)
        if policy.active and just_graded:
            _print_lateness(book, policy, course, just_graded)
    print(
        f"graded {graded}, skipped {skipped}, flagged {flagged}, unreadable {unreadable}; "
        f"gradebook: {args.gradebook}"
    )
    return 1 if problems or unreadable else 0
