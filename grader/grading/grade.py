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
from . import batch, executors, harness, sandbox, staging, tamper
from .gradebook import DEFAULT_PATH, Gradebook
from .sources import Submission, discover


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
        help="a running Dask scheduler, such as tcp://HOST:8786 (implies --executor dask)",
    )
    parser.add_argument(
        "--require-isolation",
        choices=("bwrap", "process"),
        default=None,
        help="grade only where student code is isolated at least this well: bwrap refuses "
        "machines (or Dask workers) without bubblewrap",
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
    try:
        pool = executors.make(args.executor, args.scheduler, args.jobs)
    except executors.ExecutorError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    try:
        return _grade(args, course, subs, opts, plan, pool, problems)
    except executors.ExecutorError as exc:
        print(f"hexahype grade: {exc}", file=sys.stderr)
        return 2
    finally:
        pool.close()


def _grade(
    args: argparse.Namespace,
    course: Course,
    subs: list[Submission],
    opts: batch.Options,
    plan: batch.Plan,
    pool: executors.LocalExecutor | executors.DaskExecutor,
    problems: list[str],
) -> int:
    levels = pool.levels(opts.sandbox_mode)
    for node, level in sorted(levels.items()):
        note = "" if level == "bwrap" else " (no bubblewrap: weaker isolation)"
        refused = "" if executors.allowed(level, args.require_isolation) else "; refused"
        where = "" if isinstance(pool, executors.LocalExecutor) else f" on {node}"
        print(f"hexahype grade: student code runs isolated by {level}{where}{note}{refused}")
    sys.stdout.flush()
    graded = skipped = flagged = unreadable = 0
    with Gradebook(args.gradebook) as book:
        done: set[tuple[str, str]] = set()
        if not args.force:
            done = {
                (r["student"], r["commit_sha"])
                for r in book.db.execute("SELECT student, commit_sha FROM submissions")
            }
        for result in pool.grade(course, subs, opts, done, plan, args.require_isolation):
            if result.graded is not None and not result.graded.commit:
                unreadable += 1  # nothing to grade: never replace an earlier grade with it
            elif result.graded is not None:
                book.record(result.graded)
                graded += 1
                flagged += bool(result.graded.tamper)
            else:
                skipped += 1
            print(result.line(), flush=True)
    print(
        f"graded {graded}, skipped {skipped}, flagged {flagged}, unreadable {unreadable}; "
        f"gradebook: {args.gradebook}"
    )
    return 1 if problems or unreadable else 0
