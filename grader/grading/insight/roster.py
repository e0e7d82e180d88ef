"""The class roster: who each graded repository belongs to in the LMS.

A CSV file with a header. `student` (or GitHub Classroom's `github_username`) names the student
exactly as the gradebook does (the submission's folder name, or the username of a
`gh teacher download` folder): no case folding and no suffix rule, so a student whose login is a
classmate's repository name (`hw1-bob`) never takes the classmate's row. The other columns are optional and feed the LMS exports: `name`,
`canvas_id` (Canvas's numeric user ID), `sis_user_id`, `sis_login_id`, `section`, `email`,
`idnumber` and `username` (Moodle's user fields). A student listed twice, or an ID that two
students share, is an error naming both lines.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from .late import same_student

COLUMNS = (
    "student",
    "name",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",
    "idnumber",
    "username",
)
ALIASES = {"github_username": "student", "identifier": "name"}
UNIQUE = ("student", "canvas_id", "sis_user_id", "sis_login_id", "email", "idnumber", "username")


class RosterError(ValueError):
    """A roster that cannot be used (one line naming the file and line)."""


@dataclass(frozen=True)
class Person:
    line: int
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        return self.fields.get(key, "")

    @property
    def student(self) -> str:
        return self.get("student")

    @property
    def name(self) -> str:
        return self.get("name") or self.student


@dataclass
class Roster:
    path: Path
    people: list[Person]

    def match(self, graded: str) -> tuple[Person | None, str]:
        """The roster entry of a gradebook student, or None and why: the entry whose
        `student` is exactly the gradebook name, unless the name could also be another
        entry's (the same but for case, or a repository name `...-<student>` such as
        `gh classroom clone` writes): such a name is refused, never given to either."""
        exact = [p for p in self.people if same_student(graded, p.student)]
        low = graded.strip().lower()
        loose = [
            p
            for p in self.people
            if p not in exact
            and p.student
            and (low == p.student.lower() or low.endswith("-" + p.student.lower()))
        ]
        if exact and not loose:
            return exact[0], ""
        if exact or len(loose) > 1:
            lines = " and ".join(str(p.line) for p in [*exact, *loose][:3])
            return None, (
                f"could be more than one student of {self.path.name} (lines {lines}); "
                "refused: names match exactly, give each its own"
            )
        if loose:
            return None, (
                f"not in the roster (names match exactly; {self.path.name} line "
                f"{loose[0].line} has {loose[0].student!r})"
            )
        return None, "not in the roster"

    def find(self, graded: str) -> Person | None:
        """`match` without the reason."""
        return self.match(graded)[0]

    def require(self, key: str, label: str) -> None:
        """Every entry must have `key` (the identifier an export matches on)."""
        for p in self.people:
            if not p.get(key):
                raise RosterError(
                    f"{self.path.name} line {p.line}: {p.student!r} has no {label} ({key})"
                )


def load(path: Path) -> Roster:
    if not path.is_file():
        raise RosterError(f"{path}: no such roster file")
    people: list[Person] = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header = [
            ALIASES.get(h.strip().lower(), h.strip().lower()) for h in reader.fieldnames or []
        ]
        if "student" not in header:
            raise RosterError(
                f"{path.name} line 1: the header needs a student (or github_username) column"
            )
        for raw in reader:
            line = reader.line_num
            values = {
                ALIASES.get((k or "").strip().lower(), (k or "").strip().lower()): (v or "").strip()
                for k, v in raw.items()
                if k
            }
            if not any(values.values()):
                continue
            person = Person(line, {k: v for k, v in values.items() if k in COLUMNS and v})
            if not person.student:
                raise RosterError(f"{path.name} line {line}: no student (the repository name)")
            for key in UNIQUE:
                value = person.get(key).lower()
                if not value:
                    continue
                if (key, value) in seen:
                    raise RosterError(
                        f"{path.name} line {line}: {key} {person.get(key)!r} is already on line "
                        f"{seen[(key, value)]}"
                    )
                seen[(key, value)] = line
            people.append(person)
    if not people:
        raise RosterError(f"{path.name}: the roster lists nobody")
    return Roster(path, people)
