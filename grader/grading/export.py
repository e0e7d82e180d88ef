"""`hexahype gradebook`: read the gradebook.

- `hexahype gradebook export-csv OUT.csv`: one row per student (their latest graded commit), one
  column per lesson, then the total;
- `hexahype gradebook feedback OUT_DIR/`: one markdown file per student, each name distinct
  (`feedback.file_names`), with `index.csv` saying whose file is which; an earlier export in
  OUT_DIR is replaced (and the count said), anything else there is never overwritten;
- `hexahype gradebook show`: the same table in the terminal.

Student-originated cells pass `grader.untrusted`: CSV cells never start a formula, terminal
lines hold no control characters.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from .. import untrusted
from ..manifest import Course
from . import feedback
from .gradebook import DEFAULT_PATH, Gradebook

INDEX = "index.csv"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gradebook",
        type=Path,
        default=DEFAULT_PATH,
        help=f"the SQLite gradebook (default {DEFAULT_PATH})",
    )
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    csv_p = sub.add_parser("export-csv", help="one row per student, one column per lesson")
    csv_p.add_argument("out", type=Path, help="the CSV file to write")
    fb = sub.add_parser("feedback", help="one markdown file per student")
    fb.add_argument("out", type=Path, help="the folder to write into")
    sub.add_parser("show", help="print the table")


def table(book: Gradebook) -> list[list[str]]:
    columns = book.lesson_columns()
    rows = [
        [
            "student",
            "commit",
            *[lid for lid, _ in columns],
            "total",
            "max",
            "tampered",
            "dates",
            "isolation",
            "caps",
            "problem",
        ]
    ]
    for sub in book.latest():
        points = {r["lesson"]: r["points"] for r in book.lessons(sub["id"])}
        rows.append(
            [
                sub["student"],
                sub["commit_sha"],
                *[f"{points[lid]:g}" if lid in points else "" for lid, _ in columns],
                f"{sub['points']:g}",
                f"{sub['max_points']:g}",
                "yes" if sub["tampered"] else "",
                "flagged" if sub["date_flags"] else "",
                sub["isolation"],
                sub["caps"],
                sub["problem"],
            ]
        )
    return rows


def csv_text(book: Gradebook) -> str:
    buf = io.StringIO()
    rows = [[untrusted.csv_cell(cell) for cell in row] for row in table(book)]
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


class FeedbackError(Exception):
    """The feedback folder holds files of something else (one line)."""


def _earlier(out: Path) -> set[str]:
    """The files an earlier feedback export wrote into `out` (from its index)."""
    index = out / INDEX
    if not index.is_file():
        return set()
    with index.open(encoding="utf-8", newline="") as fh:
        return {row["file"] for row in csv.DictReader(fh) if row.get("file")}


def write_feedback(book: Gradebook, out: Path) -> tuple[list[Path], int]:
    """One file per student, never two on one name; returns (files, earlier files replaced).
    Files in `out` that no earlier export wrote are never overwritten."""
    out.mkdir(parents=True, exist_ok=True)
    subs = book.latest()
    names = feedback.file_names([s["student"] for s in subs])
    earlier = _earlier(out)
    present = {p.name for p in out.iterdir()} - {INDEX}
    for sub in subs:
        name = names[sub["student"]] + ".md"
        if name in present and name not in earlier:
            raise FeedbackError(
                f"{untrusted.name(out / name)} exists and no earlier feedback export wrote it; "
                "not overwriting it (choose an empty folder)"
            )
    written: list[Path] = []
    taken: set[str] = set()
    for sub in subs:
        name = names[sub["student"]] + ".md"
        if name.casefold() in taken:  # file_names guarantees this never happens
            raise FeedbackError(f"two students map to {name}")
        taken.add(name.casefold())
        path = out / name
        path.write_text(
            feedback.render(sub, book.lessons(sub["id"]), book.tests(sub["id"])), encoding="utf-8"
        )
        written.append(path)
    with (out / INDEX).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["student", "file"])
        writer.writerows(
            [untrusted.csv_cell(s["student"]), names[s["student"]] + ".md"] for s in subs
        )
    replaced = len({p.name for p in written} & earlier & present)
    return written, replaced


def run(args: argparse.Namespace, course: Course) -> int:
    if not args.gradebook.is_file():
        print(
            f"hexahype gradebook: {args.gradebook} does not exist; run hexahype grade first",
            file=sys.stderr,
        )
        return 2
    with Gradebook(args.gradebook) as book:
        if args.action == "export-csv":
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(csv_text(book), encoding="utf-8")
            print(f"wrote {len(book.latest())} students to {args.out}")
        elif args.action == "feedback":
            try:
                files, replaced = write_feedback(book, args.out)
            except FeedbackError as exc:
                print(f"hexahype gradebook: {exc}", file=sys.stderr)
                return 1
            again = f", replacing {replaced} of an earlier export" if replaced else ""
            print(f"wrote {len(files)} feedback files to {untrusted.name(args.out)}{again}")
        else:
            for row in table(book):
                print("  ".join(untrusted.terminal(cell, 200) for cell in row[:-1]))
    return 0
