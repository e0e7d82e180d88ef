"""`hexahype gradebook`: read the gradebook.

- `export-csv OUT.csv`: one row per student, one column per lesson (final points), then raw
  points, late days, penalty, final points and the maximum;
- `export-scores OUT.csv`: one row per student and lesson, with raw points, lateness, penalty,
  final points and an empty `override` column to edit; `import-overrides OUT.csv` reads it back
  (a row's student is the one whose exported cell it is, exactly; a bad row is one line naming
  the file and line, and the good rows are still set);
- `export-canvas OUT.csv --roster R`, `export-moodle OUT.csv --roster R`: LMS grade imports;
- `feedback OUT_DIR/`: one markdown file per student, each name distinct
  (`feedback.file_names`), with `index.csv` saying whose file is which; an earlier export in
  OUT_DIR is replaced (and the count said), anything else there is never overwritten;
- `show`: the table in the terminal.

A file that is not a gradebook is refused before anything opens it for writing.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path
from typing import Any

from .. import untrusted
from ..manifest import Course
from ..usage import UsageError
from . import feedback
from .gradebook import DEFAULT_PATH, Gradebook
from .insight import book as books
from .insight import late, lms, roster, safe, scores

INDEX = "index.csv"  # whose feedback file is which

SCORE_COLUMNS = (
    "student",
    "lesson",
    "title",
    "commit",
    "deadline",
    "submitted_at",
    "late_days",
    "free_late_days",
    "charged_days",
    "raw",
    "penalty",
    "final",
    "max",
    "override",
    "note",
)


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
    sc = sub.add_parser(
        "export-scores", help="one row per student and lesson, with an override column to edit"
    )
    sc.add_argument("out", type=Path, help="the CSV file to write")
    imp = sub.add_parser("import-overrides", help="read the override column of export-scores")
    imp.add_argument("file", type=Path, help="the edited export-scores CSV")
    for name, lms_name in (("export-canvas", "Canvas"), ("export-moodle", "Moodle")):
        p = sub.add_parser(name, help=f"the {lms_name} grade import CSV")
        p.add_argument("out", type=Path, help="the CSV file to write")
        p.add_argument("--roster", type=Path, required=True, help="the class roster CSV")
        p.add_argument(
            "--by",
            choices=lms.GROUPS,
            default="lesson",
            help="one LMS assignment per lesson (default), per chapter, or for the course",
        )
        if name == "export-moodle":
            p.add_argument(
                "--id",
                choices=sorted(lms.MOODLE_IDS),
                default="email",
                help="the roster column Moodle matches students on (default email)",
            )
    fb = sub.add_parser("feedback", help="one markdown file per student")
    fb.add_argument("out", type=Path, help="the folder to write into")
    sub.add_parser("show", help="print the table")


def _scores(
    book: Gradebook, course: Course, known: list[str] | None = None
) -> list[scores.StudentScore]:
    return scores.for_course(book, course, late.load(course), known)


def table(book: Gradebook, course: Course | None = None) -> list[list[str]]:
    policy = late.load(course) if course is not None else late.Policy()
    extensions = (
        late.load_extensions(policy, course, [r["student"] for r in book.history()])
        if course is not None
        else []
    )
    everyone = scores.compute(book, policy, extensions)
    columns = book.lesson_columns()
    rows = [
        [
            "student",
            "commit",
            *[lid for lid, _ in columns],
            "raw",
            "late_days",
            "penalty",
            "final",
            "max",
            "tampered",
            "dates",
            "isolation",
            "caps",
            "problem",
        ]
    ]
    latest = {row["student"]: row for row in book.latest()}
    # a date flag on any grading of the student shows, not only on the latest one
    dated = {row["student"] for row in book.history() if row["date_flags"]}
    for student in everyone:
        sub = latest.get(student.student)
        rows.append(
            [
                safe.cell(student.student),
                student.commit,
                *[
                    safe.number(item.final) if (item := student.lesson(lid)) is not None else ""
                    for lid, _ in columns
                ],
                safe.number(student.raw),
                str(student.late_days),
                safe.number(student.penalty),
                safe.number(student.final),
                safe.number(student.max_points),
                "yes" if student.tampered else "",
                "flagged" if student.student in dated else "",
                sub["isolation"] if sub is not None else "",
                sub["caps"] if sub is not None else "",
                safe.cell(student.problem),
            ]
        )
    return rows


def csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def score_rows(everyone: list[scores.StudentScore]) -> list[list[str]]:
    rows = [list(SCORE_COLUMNS)]
    for student in everyone:
        for item in student.lessons:
            rows.append(
                [
                    safe.cell(item.student),
                    item.lesson,
                    item.title,
                    item.commit,
                    item.deadline.isoformat() if item.deadline else "",
                    item.submitted.isoformat() if item.submitted else "",
                    str(item.late_days),
                    str(item.free_days),
                    str(item.charged_days),
                    safe.number(item.raw),
                    safe.number(item.penalty),
                    safe.number(item.after_penalty),
                    safe.number(item.max_points),
                    safe.number(item.override),
                    safe.cell(item.note),
                ]
            )
    return rows


def student_cells(students: list[str]) -> dict[str, list[str]]:
    """The `student` cell export-scores writes for each gradebook student -> the students
    written so. Every name the grader records is one line of visible text, whose cell is
    distinct; a list of two is a name no import can tell apart (refused row by row)."""
    out: dict[str, list[str]] = {}
    for student in sorted(set(students)):
        out.setdefault(safe.cell(student), []).append(student)
    return out


def read_overrides(
    path: Path, book: Gradebook
) -> tuple[dict[tuple[str, str], books.Override | None], list[str]]:
    """The override column of an edited export-scores file, checked row by row: (the changes
    of the good rows, one line per bad row naming the file and line). A student is the one
    whose exported cell is exactly the row's `student` cell (nothing trimmed or folded)."""
    cells = student_cells([r["student"] for r in book.history()])
    lessons = {lid for lid, _ in book.lesson_columns()}
    changes: dict[tuple[str, str], books.Override | None] = {}
    errors: list[str] = []
    name = untrusted.name(path.name)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [
                c for c in ("student", "lesson", "override") if c not in (reader.fieldnames or [])
            ]
            if missing:
                raise UsageError(
                    f"{name} line 1: no {', '.join(missing)} column (write it with export-scores)"
                )
            for row in reader:
                line = reader.line_num
                try:
                    key, value = _override_row(row, cells, lessons)
                except ValueError as exc:
                    errors.append(f"{name} line {line}: {exc}")
                    continue
                if key is None:
                    continue
                if key in changes:
                    errors.append(f"{name} line {line}: a second row for {_shown(key)}; ignored")
                    continue
                changes[key] = value
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{name}: cannot be read as a UTF-8 CSV file ({exc})") from None
    return changes, errors


def _shown(key: tuple[str, str]) -> str:
    return f"{untrusted.name(key[0], 80)!r} lesson {untrusted.name(key[1], 20)}"


def _override_row(
    row: dict[str | Any, str | Any], cells: dict[str, list[str]], lessons: set[str]
) -> tuple[tuple[str, str] | None, books.Override | None]:
    """One row's (student, lesson) and override (None: remove it); (None, None) for a blank
    row; ValueError (one line) for a bad one."""
    cell = row.get("student") or ""
    lesson = (row.get("lesson") or "").strip()
    value = (row.get("override") or "").strip()
    if not isinstance(cell, str) or not isinstance(value, str) or not isinstance(lesson, str):
        raise ValueError("a row with more cells than the header")
    if not cell.strip() and not lesson and not value:
        return None, None
    owners = cells.get(cell, [])
    if not owners:
        raise ValueError(f"unknown student {untrusted.name(safe.uncell(cell), 80)!r}")
    if len(owners) > 1:
        raise ValueError(
            f"student {untrusted.name(cell, 80)!r} could be any of {len(owners)} students "
            "(their names differ only in characters the export cannot show); set their "
            "overrides another way"
        )
    student = owners[0]
    if lesson not in lessons:
        raise ValueError(f"unknown lesson {untrusted.name(lesson, 20)!r}")
    if not value:
        return (student, lesson), None
    try:
        points = float(
            value.replace(",", ".") if value.count(",") == 1 and "." not in value else value
        )
    except ValueError:
        points = math.nan
    if not math.isfinite(points) or points < 0:
        raise ValueError(f"override {untrusted.name(value, 40)!r} is not a number of points")
    note = safe.uncell(str(row.get("note") or "").strip())
    return (student, lesson), books.Override(student, lesson, round(points, 2), note)


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


def _lms(args: argparse.Namespace, course: Course, book: Gradebook) -> int:
    people = roster.load(args.roster)
    everyone = _scores(book, course, [p.student for p in people.people])
    if args.action == "export-canvas":
        export = lms.canvas(course, everyone, people, args.by)
    else:
        export = lms.moodle(course, everyone, people, args.id, args.by)
    side = lms.write(export, args.out)
    print(f"wrote {export.written} students to {args.out}")
    for student, why in export.left_out:
        print(f"  {safe.term(student)}: {why}")
    if side is not None:
        print(f"listed {len(export.left_out)} students in {side}")
    return 0


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        with books.open_book(args.gradebook) as book:
            return _run(args, course, book)
    except (books.BookError, late.PolicyError, roster.RosterError) as exc:
        print(f"hexahype gradebook: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, course: Course, book: Gradebook) -> int:
    if args.action == "export-csv":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(csv_text(table(book, course)), encoding="utf-8")
        print(f"wrote {len(book.latest())} students to {args.out}")
    elif args.action == "export-scores":
        everyone = _scores(book, course)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(csv_text(score_rows(everyone)), encoding="utf-8")
        print(f"wrote {sum(len(s.lessons) for s in everyone)} rows to {args.out}")
        print(f"late policy: {late.load(course).describe()}")
    elif args.action == "import-overrides":
        changes, errors = read_overrides(args.file, book)
        added, removed = books.set_overrides(book, changes)
        for line in errors:  # one bad row never stops the class
            print(f"hexahype gradebook: {line}", file=sys.stderr)
        skipped = f"; {len(errors)} bad rows skipped" if errors else ""
        print(
            f"set {added} overrides, removed {removed}{skipped}; the exports use them from now on"
        )
        return 1 if errors else 0
    elif args.action in ("export-canvas", "export-moodle"):
        return _lms(args, course, book)
    elif args.action == "feedback":
        try:
            files, replaced = write_feedback(book, args.out)
        except FeedbackError as exc:
            print(f"hexahype gradebook: {exc}", file=sys.stderr)
            return 1
        again = f", replacing {replaced} of an earlier export" if replaced else ""
        print(f"wrote {len(files)} feedback files to {untrusted.name(args.out)}{again}")
    else:
        for row in table(book, course):
            print("  ".join(untrusted.terminal(cell, 200) for cell in row[:-1]))
    return 0
