"""The folder `gh teacher download ORG CLASSROOM ASSIGNMENT` writes (Classroom 50), as a batch
of submissions, and its `scores.csv` layout for writing grades back out.

Such a folder holds one git clone per student, named `<classroom>-<assignment>-<username>`
(lowercased), and `scores.csv` with one line per submission (newest first) and one blank-scored
line per student who has not submitted:

    username,first_name,last_name,email,section,score,max_score,datetime,submission_tag,
    submitted_by,review_url,late,override

(the layout of foundation50/classroom50 `cli/gh-teacher/internal/download/download.go` at
commit 0343327c7678fefeaf3a89dd44a23bcc186d484b). Each clone is graded as its student's
submission, under the student's username: a folder is a username's only when it is exactly the
download's common prefix and that username (`match_folders`). `write_scores` writes the same columns back with
`hexahype grade`'s points: one line per student, for the commit that was graded, carrying the
`submit/*` tag that points at it (if any) and that submission's links from the downloaded file.
Every cell goes through `csv_cell`, so a student's string cannot become a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .. import untrusted
from .sources import SourceError, Submission, git, has_repository, opened

if TYPE_CHECKING:
    from .batch import Result

SCORES_CSV = "scores.csv"
COLUMNS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "section",
    "score",
    "max_score",
    "datetime",
    "submission_tag",
    "submitted_by",
    "review_url",
    "late",
    "override",
)
REQUIRED = ("username", "score", "max_score", "submission_tag")
# Written into every student repository by `gh student accept`, so never a sign of tampering.
RESERVED = (".classroom50.yaml", ".github/workflows/autograde.yaml")
MAX_CSV_BYTES = 16 * 1024 * 1024
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")  # a GitHub login


class DownloadError(Exception):
    """A folder that is not what `gh teacher download` writes (one clear line)."""


@dataclass(frozen=True)
class GradedScore:
    """What `hexahype grade` found for one student: its points and the commit graded."""

    points: float
    max_points: float
    commit: str


@dataclass
class Download:
    folder: Path
    rows: list[dict[str, str]]
    repos: dict[str, Path] = field(default_factory=dict)  # username -> its clone
    unmatched: list[str] = field(default_factory=list)  # folders that are no username's

    @property
    def usernames(self) -> list[str]:
        return list(dict.fromkeys(r["username"] for r in self.rows if r["username"]))

    def submissions(self) -> list[Submission]:
        return [
            Submission(user, str(path), str(path.resolve()))
            for user, path in sorted(self.repos.items())
        ]


def is_download(folder: Path) -> bool:
    return folder.is_dir() and (folder / SCORES_CSV).is_file()


def read(folder: Path) -> Download:
    """Read a `gh teacher download` folder; DownloadError (naming the folder or its file) when
    it is none."""
    if not folder.is_dir():
        raise DownloadError(f"{folder}: no such folder")
    scores = folder / SCORES_CSV
    if not scores.is_file():
        raise DownloadError(
            f"{folder} is not a `gh teacher download` folder: it has no {SCORES_CSV}"
        )
    try:
        if scores.stat().st_size > MAX_CSV_BYTES:
            raise DownloadError(f"{scores} is over {MAX_CSV_BYTES // (1024 * 1024)} MiB")
        text = scores.read_bytes().decode("utf-8-sig")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])]
        raw = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DownloadError(f"{scores} cannot be read as a CSV file ({exc})") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DownloadError(
            f"{scores} is not the scores.csv `gh teacher download` writes "
            f"(no {', '.join(missing)} column)"
        )
    rows = []
    for record in raw:
        row = {c: str(record.get(c) or "").strip() for c in COLUMNS}
        rows.append(row)
    download = Download(folder, rows)
    logins = [u for u in download.usernames if _LOGIN.match(u)]
    folders = [p for p in sorted(folder.iterdir()) if p.is_dir() and not p.name.startswith(".")]
    names, download.unmatched = match_folders([p.name for p in folders], logins)
    download.repos = {user: folder / name for user, name in names.items()}
    if folders and not download.repos:
        raise DownloadError(
            f"{folder}: no folder in it is the repository of a {SCORES_CSV} username "
            "(<classroom>-<assignment>-<username>)"
        )
    return download


def match_folders(names: list[str], logins: list[str]) -> tuple[dict[str, str], list[str]]:
    """username -> its folder name, and one line per folder left out. Every folder of one
    download is `<prefix><username>` with the same prefix (`<classroom>-<assignment>-`); the
    prefix is the one that makes the most folders exactly a username's, and a folder is a
    username's only when it is exactly that prefix and that username (GitHub logins are case
    insensitive). So a login that is a classmate's repository name, such as `asg-bob` beside
    `bob`, never takes the classmate's folder; a folder no single username explains is left
    out, and said."""
    by_prefix: dict[str, dict[str, str]] = {}
    for name in names:
        low = name.lower()
        for user in logins:
            tail = "-" + user.lower()
            if low.endswith(tail) and len(low) > len(tail):
                by_prefix.setdefault(low[: -len(user)], {})[name] = user
    if not by_prefix:
        return {}, [f"{untrusted.name(n)}: no username of {SCORES_CSV} ends it" for n in names]
    best = max(len(v) for v in by_prefix.values())
    tops = [p for p, v in by_prefix.items() if len(v) == best]
    repos: dict[str, str] = {}
    unmatched: list[str] = []
    for name in names:
        owners = {by_prefix[p][name] for p in tops if name in by_prefix[p]}
        shown = untrusted.name(name)
        if len(owners) > 1:
            unmatched.append(
                f"{shown}: could be the repository of {' or '.join(sorted(owners))}; left out"
            )
        elif not owners:
            unmatched.append(f"{shown}: not <prefix><username> for any username; left out")
        else:
            user = owners.pop()
            if user in repos:
                unmatched.append(f"{shown}: a second folder for {user}; left out")
            else:
                repos[user] = name
    return repos, unmatched


def reserved(line: str) -> bool:
    """Whether a tamper line is about a file Classroom 50 itself writes."""
    return any(line.startswith(rel + " ") for rel in RESERVED)


def drop_reserved(result: Result) -> None:
    """Forget the tamper lines about Classroom 50's own files, and the causes they gave."""
    graded = result.graded
    if graded is None or not graded.tamper:
        return
    graded.tamper = [line for line in graded.tamper if not reserved(line)]
    result.causes = [c for c in result.causes if not c.startswith("TAMPERED: ")]
    if graded.tamper:
        more = f" (+{len(graded.tamper) - 1} more)" if len(graded.tamper) > 1 else ""
        result.causes.append(f"TAMPERED: {graded.tamper[0]}{more}")


# -- writing ------------------------------------------------------------------------------------
def csv_cell(value: str) -> str:
    """A cell no spreadsheet evaluates: a leading = + - @ tab or CR gets a quote in front (as
    `gh teacher download` does for the same file)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _number(x: float) -> str:
    return f"{round(float(x), 2):g}"


def _git_facts(folder: Path, commit: str) -> tuple[str, str]:
    """(the newest `submit/*` tag at the commit, its committer date), read from a private copy
    of the clone's own repository; ('', '') for a folder without one, or one that reaches
    outside itself (sources.Redirected)."""
    if not has_repository(folder):
        return "", ""
    try:
        with opened(folder) as repo:
            return submit_tag(repo, commit), commit_time(repo, commit)
    except SourceError:
        return "", ""


def commit_time(repo: Path, commit: str) -> str:
    """The commit's committer date in UTC, as YYYY-MM-DDTHH:MM:SSZ ('' when unknown); `repo`
    is a private copy (sources.own_repository)."""
    try:
        raw = git(["show", "-s", "--format=%cI", commit], repo).strip()
        when = datetime.fromisoformat(raw)
    except (SourceError, ValueError):
        return ""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def submit_tag(repo: Path, commit: str) -> str:
    """The newest `submit/*` tag pointing at the commit ('' when none)."""
    try:
        tags = git(["tag", "--points-at", commit, "--list", "submit/*"], repo).split()
    except SourceError:
        return ""
    return max(tags) if tags else ""


def score_rows(download: Download, graded: Mapping[str, GradedScore]) -> list[list[str]]:
    """One line per student of the download: the graded commit's points, else the student's
    line as downloaded with its scores blank."""
    out: list[list[str]] = []
    for user in download.usernames:
        mine = [r for r in download.rows if r["username"] == user]
        first = mine[0]
        meta = [first[c] for c in ("first_name", "last_name", "email", "section")]
        result = graded.get(user)
        repo = download.repos.get(user)
        if result is None or repo is None or not result.commit:
            out.append([user, *meta, "", "", "", "", "", "", "", first["override"]])
            continue
        tag, when = _git_facts(repo, result.commit)
        same = next((r for r in mine if tag and r["submission_tag"] == tag), None)
        out.append(
            [
                user,
                *meta,
                _number(result.points),
                _number(result.max_points),
                when,
                tag,
                same["submitted_by"] if same else "",
                same["review_url"] if same else "",
                same["late"] if same else "",
                first["override"],
            ]
        )
    return out


def write_scores(path: Path, downloads: list[Download], graded: Mapping[str, GradedScore]) -> int:
    """Write `scores.csv` (the download's columns) for every student of `downloads`; returns the
    number of lines with a score."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    scored = 0
    for download in downloads:
        for row in score_rows(download, graded):
            scored += bool(row[5])
            writer.writerow([csv_cell(cell) for cell in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return scored
