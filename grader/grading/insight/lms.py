"""Grade import files for Canvas and Moodle, from the final points (after late penalties and
overrides), one row per student, with decimals kept.

Canvas, following "How do I import grades in the Gradebook?" (Canvas Instructor Guide,
https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807)
and the importer that reads the file (instructure/canvas-lms, app/models/gradebook_importer.rb):
- the header starts `Student, ID, SIS User ID, SIS Login ID, Section`: the importer wants
  "Student" and "ID" first and the student columns to end at "Section", and it reads "SIS User
  ID" only when "SIS Login ID" follows it, so both are written (empty where unknown);
- then one column per assignment, titled `Name` (Canvas matches an existing assignment by
  title, or `Name (1234)` by its ID, and otherwise creates it);
- a second row whose first cell is "Points Possible" gives each new assignment its points;
- a student is matched by ID, then SIS User ID, then SIS Login ID, then by name; a row without
  IDs could be matched by name to the wrong person, so gradebook students missing from the
  roster are not written into the file but listed beside it, as for Moodle.

Moodle, following "Grade import" (MoodleDocs, https://docs.moodle.org/en/Grade_import: the
import file has the format of the CSV export, and "Map from" / "Map to" pick the identifier
column: email address, ID number, username or user id) and gradeimport_csv_load_data
(moodle/moodle, grade/import/csv/classes/load_data.php):
- one identifier column (`Email address`, `ID number` or `Username`) and one column per grade
  item; "." is read as the decimal point;
- a row whose identifier matches no Moodle user aborts the whole import ("user not found"),
  so students missing from the roster are not written into the file but listed beside it.

A gradebook student is a roster entry only by exactly the same name (`roster.Roster.match`);
a name that could be two entries' (one exactly, another by case or as `...-<student>`) is
refused, left out and listed, never given to either. In both, a roster student without a graded
submission gets no row: an empty cell would clear a
grade the LMS already holds. Everyone left out is listed, never silently dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ...manifest import Course
from ...results import total
from . import safe
from .roster import Roster, RosterError
from .scores import StudentScore

CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "    Points Possible"  # as Canvas's own export writes it
MOODLE_IDS = {"email": "Email address", "idnumber": "ID number", "username": "Username"}
GROUPS = ("lesson", "chapter", "course")


@dataclass(frozen=True)
class Assignment:
    title: str
    points: float
    lessons: tuple[str, ...]


@dataclass
class Export:
    rows: list[list[str]]
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (student, why)
    written: int = 0

    def text(self) -> str:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(self.rows)
        return buf.getvalue()


def assignments(course: Course, scores: list[StudentScore], by: str = "lesson") -> list[Assignment]:
    """The LMS assignments: one per graded lesson (or chapter, or one for the course)."""
    graded: dict[str, float] = {}
    for student in scores:
        for item in student.lessons:
            graded.setdefault(item.lesson, item.max_points)
    # a lesson worth no points (an ungraded optional chapter) is no LMS assignment
    graded = {lesson: points for lesson, points in graded.items() if points > 0}
    entries = [e for e in course.entries if e.id in graded]
    if by == "course":
        ids = tuple(e.id for e in entries)
        return [Assignment(course.name, total(graded[i] for i in ids), ids)] if ids else []
    if by == "chapter":
        out = []
        for chapter in course.chapters:
            ids = tuple(e.id for e in entries if e.chapter.number == chapter.number)
            if ids:
                title = f"{course.name} chapter {chapter.number}: {chapter.title}"
                out.append(Assignment(title, total(graded[i] for i in ids), ids))
        return out
    return [Assignment(f"{course.name} {e.id} {e.title}", graded[e.id], (e.id,)) for e in entries]


def _values(student: StudentScore, columns: list[Assignment]) -> list[str]:
    out = []
    for column in columns:
        items = [student.lesson(i) for i in column.lessons]
        out.append(safe.number(total(item.final for item in items if item is not None)))
    return out


def _absent(roster: Roster, scores: list[StudentScore]) -> list[tuple[str, str]]:
    matched = {id(p) for p in (roster.find(s.student) for s in scores) if p is not None}
    return [
        (p.student, "in the roster, but no graded submission")
        for p in roster.people
        if id(p) not in matched
    ]


def canvas(
    course: Course, scores: list[StudentScore], roster: Roster, by: str = "lesson"
) -> Export:
    for p in roster.people:
        if not (p.get("canvas_id") or p.get("sis_user_id") or p.get("sis_login_id")):
            raise RosterError(
                f"{roster.path.name} line {p.line}: {p.student!r} has no Canvas ID, SIS User ID "
                "or SIS Login ID (canvas_id, sis_user_id, sis_login_id)"
            )
    columns = assignments(course, scores, by)
    blank = [""] * (len(CANVAS_STUDENT_COLUMNS) - 1)
    export = Export(
        [
            [*CANVAS_STUDENT_COLUMNS, *(safe.cell(c.title) for c in columns)],
            [CANVAS_POINTS_ROW, *blank, *(safe.number(c.points) for c in columns)],
        ]
    )
    for student in scores:
        person, why = roster.match(student.student)
        if person is None:
            export.left_out.append((student.student, f"{why}: left out (no ID to match it)"))
            continue
        ids = [
            person.name,
            person.get("canvas_id"),
            person.get("sis_user_id"),
            person.get("sis_login_id"),
            person.get("section"),
        ]
        export.rows.append([*(safe.cell(v) for v in ids), *_values(student, columns)])
        export.written += 1
    export.left_out += _absent(roster, scores)
    return export


def moodle(
    course: Course,
    scores: list[StudentScore],
    roster: Roster,
    key: str = "email",
    by: str = "lesson",
) -> Export:
    if key not in MOODLE_IDS:
        raise RosterError(f"unknown Moodle identifier {key!r} (known: {', '.join(MOODLE_IDS)})")
    roster.require(key, MOODLE_IDS[key])
    columns = assignments(course, scores, by)
    export = Export([[MOODLE_IDS[key], *(safe.cell(c.title) for c in columns)]])
    for student in scores:
        person, why = roster.match(student.student)
        if person is None:
            export.left_out.append(
                (student.student, f"{why}: left out (Moodle stops at an unknown user)")
            )
            continue
        export.rows.append([safe.cell(person.get(key)), *_values(student, columns)])
        export.written += 1
    export.left_out += _absent(roster, scores)
    return export


def write(export: Export, out: Path) -> Path | None:
    """Write the import file, and `<name>.left-out.csv` beside it when anyone was left out or
    written without IDs; returns that list's path."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(export.text(), encoding="utf-8", newline="")
    side = out.with_name(out.stem + ".left-out.csv")
    if not export.left_out:
        side.unlink(missing_ok=True)
        return None
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", "why"])
    writer.writerows([safe.cell(s), why] for s, why in export.left_out)
    side.write_text(buf.getvalue(), encoding="utf-8")
    return side
