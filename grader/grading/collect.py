"""`hexahype collect SUBMISSION...`: record, by the grader's clock, which commit each student
repository has now (and when each of its commits was first seen), in the gradebook.

Run it at the deadline (by hand, or from cron right after `gh classroom clone` / `git pull`):
`hexahype grade --deadline DATE` then grades, for each student, the head that the last
collection at or before DATE recorded, whatever dates the student's commits claim. Every
`hexahype grade` records the same way. Nothing of the repository runs (git with hooks off);
a URL is cloned into a temporary folder and read there. A repository that reaches outside its
folder (a `gitdir:` file, a linked .git, alternates: `sources.own_repository`) is not recorded:
its head would be another repository's.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .. import progressbar, untrusted
from ..manifest import Course
from .gradebook import DEFAULT_PATH, Gradebook
from .sources import (
    SourceError,
    clone,
    discover,
    has_repository,
    is_url,
    own_repository,
    sightings,
)


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
        help=f"the SQLite gradebook that keeps the records (default {DEFAULT_PATH})",
    )


def run(args: argparse.Namespace, course: Course) -> int:
    subs, problems = discover(args.submissions)
    for line in problems:
        print(f"hexahype collect: {line}", file=sys.stderr)
    failed = 0
    with Gradebook(args.gradebook) as book, progressbar.Counter(len(subs), "collect") as counter:
        for sub in subs:
            counter.advance()
            try:
                with tempfile.TemporaryDirectory(prefix="hexahype-collect-") as tmp:
                    folder = Path(sub.location)
                    if is_url(sub.location) and not folder.exists():
                        folder = clone(sub.location, Path(tmp) / "repo")
                    elif not has_repository(folder):
                        raise SourceError("not a git repository: nothing to record")
                    head, commits = sightings(own_repository(folder, Path(tmp)))
            except SourceError as exc:
                failed += 1
                line = untrusted.terminal(f"{sub.student}: not recorded: {exc}")
                counter.print(f"{line}  {counter.note()}")
                continue
            new = book.record_sighting(sub.student, sub.repository, head, commits, "collect")
            line = untrusted.terminal(f"{sub.student} @ {head[:12]}: recorded ({new} new commits)")
            counter.print(f"{line}  {counter.note()}")
    print(
        f"collected {len(subs) - failed}, failed {failed}; gradebook: {untrusted.name(args.gradebook)}"
    )
    return 1 if problems or failed else 0
