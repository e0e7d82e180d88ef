"""`hexahype gradebook`: read the gradebook.

- `hexahype gradebook export-csv OUT.csv`: one row per student (their latest graded commit), one
  column per lesson, then the total;
- `hexahype gradebook feedback OUT_DIR/`: one markdown file per student;
- `hexahype gradebook show`: the same table in the terminal.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from ..manifest import Course
from . import feedback
from .gradebook import DEFAULT_PATH, Gradebook


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
        ["student", "commit", *[lid for lid, _ in columns], "total", "max", "tampered", "problem"]
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
                sub["problem"],
            ]
        )
    return rows


def csv_text(book: Gradebook) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table(book))
    return buf.getvalue()


def write_feedback(book: Gradebook, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sub in book.latest():
        path = out / f"{feedback.safe_name(sub['student'])}.md"
        path.write_text(
            feedback.render(sub, book.lessons(sub["id"]), book.tests(sub["id"])), encoding="utf-8"
        )
        written.append(path)
    return written


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
            files = write_feedback(book, args.out)
            print(f"wrote {len(files)} feedback files to {args.out}")
        else:
            for row in table(book):
                print("  ".join(row[:-1]))
    return 0
