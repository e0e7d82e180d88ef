"""Submissions and where their files come from.

A submission is a student repository folder, a git URL or path, or a batch: a folder of them
(what `gh classroom clone student-repos` writes). A git repository is graded at one commit and
read from git's objects, never from its working tree; a plain folder is read as it is. Git runs
with hooks and fsmonitor off, so reading a repository never runs its code, and only on a private
copy of the submission's own repository (`own_repository`): a .git that is a file (`gitdir:`) or
a link, links inside it, alternates, a commondir, grafts or a config that includes other files
or fetches from a remote would make git read another repository, a classmate's, so such a
submission is never read through git. It is graded from its folder's own files and flagged
(`Source.redirected`). A member of a batch folder that is itself a link is skipped.

Which commit: HEAD by default; `--commit SHA` names one exact commit (a full hex id, never a ref,
so no branch or tag of the student's can stand in for it); `--deadline DATE` takes the head that
the instructor's own records show at the deadline: the last collection (`hexahype collect`, or an
earlier `hexahype grade`) at or before it. Commit dates are the student's to set, so they decide
nothing unless the instructor asks for it (`--trust-commit-dates`), and commits whose dates
disagree with the records are flagged.

Folder names become student names through `grader.untrusted.name`: one printable line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .. import untrusted

GIT_TIMEOUT = 300
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.I)
FULL_HEX = re.compile(r"(?:[0-9a-f]{40}|[0-9a-f]{64})")
HISTORY = 2000  # commits of a repository looked at for the records and the date checks
FUTURE_SLACK = 300.0  # seconds a commit may be dated after it was first seen (clock skew)
_SKIP_DIRS = {".git", "__pycache__", ".hexahype", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


class SourceError(Exception):
    """A submission cannot be read (one clear line)."""


@dataclass(frozen=True)
class Submission:
    student: str
    repository: str  # what the instructor named: a folder or a URL
    location: str  # a local folder, or the URL to clone


@dataclass(frozen=True)
class FileInfo:
    kind: str  # "file", "link" or "other"
    size: int
    ref: str  # git blob id, or the path on disk


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


def _looks_like_submission(folder: Path) -> bool:
    return any(os.path.lexists(folder / name) for name in (".git", "exercises", "course.toml"))


def student_name(location: str) -> str:
    name = location.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return untrusted.name(name[:-4] if name.endswith(".git") else name)


def discover(items: list[str]) -> tuple[list[Submission], list[str]]:
    """Expand the command line into submissions; return (submissions, one-line problems)."""
    found: list[Submission] = []
    problems: list[str] = []
    for item in items:
        shown = untrusted.name(item, 300)
        if is_url(item) and not Path(item).exists():
            found.append(Submission(student_name(item), shown, item))
            continue
        path = Path(item)
        if not path.is_dir():
            problems.append(f"{shown}: no such folder or repository")
            continue
        if _looks_like_submission(path):
            found.append(
                Submission(untrusted.name(path.resolve().name), shown, str(path.resolve()))
            )
            continue
        members = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        for p in members:
            if p.is_symlink():
                problems.append(
                    f"{untrusted.name(str(p), 300)}: a symbolic link to another folder; skipped"
                )
        subs = [p for p in members if not p.is_symlink()]
        batch = [p for p in subs if _looks_like_submission(p)]
        if not batch:
            problems.append(f"{shown}: neither a submission nor a folder of submissions")
        found += [
            Submission(untrusted.name(p.name), untrusted.name(str(p), 300), str(p.resolve()))
            for p in batch
        ]
    seen: set[str] = set()
    unique: list[Submission] = []
    for sub in found:
        if sub.student in seen:
            problems.append(f"{sub.repository}: a second submission named {sub.student}; skipped")
            continue
        seen.add(sub.student)
        unique.append(sub)
    return unique, problems


# -- git ----------------------------------------------------------------------------------------
# Git reads only a private copy of a submission's own repository (`own_repository`), never the
# student's .git itself: the copy holds the refs and the objects, and a configuration the grader
# writes, so nothing in the student's configuration (includes, promisor remotes, fsmonitor, a
# work tree elsewhere) and no alternates, commondir or symbolic link can take git outside the
# submission's folder. A repository that tries is `Redirected`: never read through git.
GIT_CAP_BYTES = 512 * 1024 * 1024  # the largest .git folder copied
_REPO_KEEP = ("HEAD", "packed-refs", "shallow", "refs", "objects")
_ELSEWHERE = {
    "commondir": "a commondir file (its refs and objects live in another repository)",
    "gitdir": "a gitdir file (the metadata of a work tree elsewhere)",
    "objects/info/alternates": "alternates (objects borrowed from another repository)",
    "objects/info/http-alternates": "alternates (objects borrowed from another repository)",
    "info/grafts": "grafts (a history rewritten outside its commits)",
}


class Redirected(SourceError):
    """A repository that reaches outside its submission's folder (one line saying how)."""


def _env(read: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    if read:  # nothing of the instructor's own git configuration either
        env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_NO_REPLACE_OBJECTS="1")
    return env


def _run(cmd: list[str], cwd: Path | None, env: dict[str, str], timeout: float) -> str:
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, capture_output=True, timeout=timeout, env=env, check=False
        )
    except FileNotFoundError:
        raise SourceError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {_verb(cmd)} did not finish within {timeout:.0f}s") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        last = untrusted.text(err[-1], 300) if err else str(proc.returncode)
        raise SourceError(f"git {_verb(cmd)} failed: {last}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def _verb(cmd: list[str]) -> str:
    i = 1
    while i < len(cmd) and cmd[i] == "-c":
        i += 2
    return cmd[i] if i < len(cmd) else "?"


_HOOKS_OFF = ["-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"]


def _hardened(repo: Path) -> tuple[list[str], dict[str, str]]:
    """The command prefix and environment of every git read of `repo` (see `git`)."""
    cmd = [
        "git",
        *_HOOKS_OFF,
        "-c",
        f"safe.directory={repo}",
        "-c",
        "protocol.allow=never",
    ]
    env = _env(read=True)
    env.update(GIT_DIR=str(repo), GIT_CEILING_DIRECTORIES=str(repo.parent))
    return cmd, env


def git(args: list[str], repo: Path, timeout: float = GIT_TIMEOUT) -> str:
    """Run git on `repo`, the git folder `own_repository` made (never a student's .git): no
    hooks, no fsmonitor, no replace refs, no protocol (so no lazy fetch from anywhere), no
    system or global configuration, `safe.directory` that folder alone, and GIT_DIR set so
    git looks for no repository around it."""
    cmd, env = _hardened(repo)
    return _run([*cmd, *args], repo, env, timeout)


PREFETCH_BYTES = 16 * 1024 * 1024  # what one `prefetch` reads ahead at most


def cat_blobs(refs: list[str], repo: Path, timeout: float = GIT_TIMEOUT) -> dict[str, bytes]:
    """The bytes of the blobs `refs` of `repo` (as `git` runs it), read by one
    `git cat-file --batch`; a ref git does not have is left out."""
    cmd, env = _hardened(repo)  # the same hardening as `git`
    try:
        proc = subprocess.run(
            [*cmd, "cat-file", "--batch"],
            input="".join(f"{ref}\n" for ref in refs).encode(),
            cwd=repo,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git cat-file did not finish within {timeout:.0f}s") from None
    if proc.returncode != 0:
        raise SourceError("git cat-file failed")
    out: dict[str, bytes] = {}
    data, at = proc.stdout, 0
    for ref in refs:  # "<sha> blob <size>\n<bytes>\n", or "<ref> missing\n"
        end = data.find(b"\n", at)
        if end < 0:
            break
        header = data[at:end].split()
        at = end + 1
        if len(header) != 3 or not header[2].isdigit():
            continue
        size = int(header[2])
        if header[1] == b"blob":
            out[ref] = data[at : at + size]
        at += size + 1
    return out


def clone(url: str, dest: Path, timeout: float = GIT_TIMEOUT) -> Path:
    """Clone the instructor's URL (no checkout, hooks off) into `dest`; returns `dest`."""
    cmd = ["git", *_HOOKS_OFF, "-c", "protocol.file.allow=always"]
    cmd += ["clone", "--quiet", "--no-checkout", "--", url, str(dest)]
    _run(cmd, dest.parent, _env(read=False), timeout)
    return dest


def has_repository(folder: Path) -> bool:
    """Whether the folder holds anything named .git (a folder, a file or a link, even dangling)."""
    return os.path.lexists(folder / ".git")


def _config(path: Path, work: Path) -> dict[str, list[str]]:
    """The keys (lower case) and values of a git config file, includes not followed."""
    cmd = ["git", "config", "--file", str(path), "--no-includes", "--list", "-z"]
    env = _env(read=True)
    env.update(GIT_DIR=os.devnull, GIT_CEILING_DIRECTORIES=str(work))
    try:
        out = _run(cmd, work, env, 60)
    except SourceError:
        raise Redirected(".git/config cannot be read by git") from None
    found: dict[str, list[str]] = {}
    for record in out.split("\0"):
        key, _, value = record.partition("\n")
        if key:
            found.setdefault(key.lower(), []).append(value)
    return found


def _config_problems(keys: dict[str, list[str]]) -> list[str]:
    out = []
    if any(k.startswith(("include.", "includeif.")) for k in keys):
        out.append("its config includes another file (include.path or includeIf)")
    if "extensions.partialclone" in keys or any(
        k.startswith("remote.") and k.endswith(".promisor") for k in keys
    ):
        out.append("its config fetches missing objects from a remote (a partial clone)")
    if "core.worktree" in keys:
        out.append("its config names a work tree elsewhere (core.worktree)")
    return out


def own_repository(folder: Path, work: Path) -> Path:
    """A private copy of the submission's own repository under `work` (its refs, objects and
    a configuration written here), for `git`. Raises Redirected, naming what reaches outside the
    folder, for a .git that is a link or a file (`gitdir:`), anything inside it that is a link
    or not a regular file, a commondir, gitdir, alternates or grafts file, or a config with
    includes, a promisor remote or a work tree elsewhere; SourceError when it is over the cap."""
    dot = folder / ".git"
    try:
        st = dot.lstat()
    except OSError:
        raise SourceError("not a git repository") from None
    if stat.S_ISLNK(st.st_mode):
        raise Redirected(".git is a symbolic link (to a repository outside the submission)")
    if stat.S_ISREG(st.st_mode):
        raise Redirected(".git is a file (a gitdir: redirection to another repository)")
    if not stat.S_ISDIR(st.st_mode):
        raise Redirected(".git is not a folder")
    problems: list[str] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(dot, followlinks=False):
        for name in [*dirnames, *filenames]:
            full = Path(dirpath) / name
            rel = full.relative_to(dot).as_posix()
            try:
                mode = full.lstat().st_mode
                size = full.lstat().st_size
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                problems.append(f".git/{untrusted.name(rel, 80)} is a symbolic link")
            elif not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                problems.append(f".git/{untrusted.name(rel, 80)} is not a regular file")
            elif stat.S_ISREG(mode):
                total += size
        dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]
    for rel, why in _ELSEWHERE.items():
        if os.path.lexists(dot / rel):
            problems.append(f".git has {why}")
    keys: dict[str, list[str]] = {}
    if (dot / "config").is_file() and not (dot / "config").is_symlink():
        keys = _config(dot / "config", work)
        problems += _config_problems(keys)
    if problems:
        more = f" (+{len(problems) - 2} more)" if len(problems) > 2 else ""
        raise Redirected("; ".join(dict.fromkeys(problems[:2])) + more)
    if total > GIT_CAP_BYTES:
        raise SourceError(f".git is over {GIT_CAP_BYTES // (1024 * 1024)} MiB")
    copy = work / "git"
    copy.mkdir(mode=0o700)
    for rel in _REPO_KEEP:
        src = dot / rel
        if src.is_dir():
            shutil.copytree(src, copy / rel, symlinks=True)
        elif src.is_file():
            shutil.copyfile(src, copy / rel)
    (copy / "refs").mkdir(exist_ok=True)
    (copy / "objects").mkdir(exist_ok=True)
    fmt = (keys.get("extensions.objectformat") or ["sha1"])[-1].strip().lower()
    if fmt not in ("sha1", "sha256"):
        raise SourceError(f"unknown object format {untrusted.name(fmt, 40)!s}")
    lines = ["[core]", f"\trepositoryformatversion = {0 if fmt == 'sha1' else 1}", "\tbare = true"]
    if fmt != "sha1":
        lines += ["[extensions]", f"\tobjectformat = {fmt}"]
    (copy / "config").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


@contextmanager
def opened(folder: Path) -> Iterator[Path]:
    """`own_repository` of `folder` in a temporary folder, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="hexahype-git-") as tmp:
        yield own_repository(folder, Path(tmp))


# -- which commit -------------------------------------------------------------------------------
def parse_deadline(text: str) -> float:
    """A deadline as seconds since the epoch: an ISO 8601 date (`2030-01-31`, the end of that
    day is not assumed: midnight) or date and time (`2030-01-31T23:59`, `...+01:00`, `...Z`);
    without a zone, the grader's local time. ValueError for anything else."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{untrusted.name(text, 80)!s} is not a date (use 2030-01-31 or 2030-01-31T23:59)"
        ) from None
    return when.timestamp() if when.tzinfo is not None else time.mktime(when.timetuple())


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def full_commit(text: str) -> str:
    """A full commit id, lower case; ValueError for anything else (an abbreviation, a ref)."""
    sha = text.strip().lower()
    if not FULL_HEX.fullmatch(sha):
        raise ValueError(
            f"{untrusted.name(text, 80)!s} is not a full commit id (40 hex digits); "
            "a branch, tag or abbreviation could name a commit the student chose"
        )
    return sha


@dataclass(frozen=True)
class Snapshot:
    """What the instructor's records say a repository's head was at one moment."""

    taken: float  # seconds since the epoch, the grader's clock
    head: str


@dataclass
class Evidence:
    """The instructor's records of one student's repository: collections, and when each
    commit was first seen. Nothing here comes from the student's commit metadata."""

    snapshots: list[Snapshot] = field(default_factory=list)  # oldest first
    first_seen: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    """The commit to grade and why it is that one."""

    commit: str
    basis: str  # "HEAD", "--commit", "collected 2030-...Z", or "commit dates (unverified)"


@dataclass(frozen=True)
class Pick:
    """What the instructor asked for: HEAD, one exact commit, or the head at a deadline."""

    commit: str | None = None  # a full commit id (full_commit)
    deadline: float | None = None  # seconds since the epoch (parse_deadline)
    trust_commit_dates: bool = False


def _is_commit(repo: Path, sha: str) -> bool:
    try:
        return git(["cat-file", "-t", sha], repo).strip() == "commit"
    except SourceError:
        return False


def head(repo: Path) -> str:
    try:
        return git(["rev-parse", "--verify", "HEAD^{commit}"], repo).strip()
    except SourceError:
        raise SourceError("the repository has no commit") from None


def history(repo: Path, rev: str, limit: int = HISTORY) -> list[tuple[str, int, int]]:
    """(commit, author time, committer time) of `rev` and its ancestors, newest first."""
    out = git(["log", f"-n{limit}", "--format=%H %at %ct", rev, "--"], repo)
    rows = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and FULL_HEX.fullmatch(parts[0]):
            rows.append((parts[0], int(parts[1]), int(parts[2])))
    return rows


def choose(repo: Path, pick: Pick, evidence: Evidence | None) -> Choice:
    """The commit to grade. Never resolves a name the student could have made (a branch or a
    tag): an exact commit is a full id, a deadline is a date checked against the records."""
    if pick.commit is not None:
        if not _is_commit(repo, pick.commit):
            raise SourceError(f"commit {pick.commit[:12]} is not in this repository")
        return Choice(pick.commit, "--commit")
    if pick.deadline is None:
        return Choice(head(repo), "HEAD")
    when = iso(pick.deadline)
    before = [s for s in (evidence.snapshots if evidence else []) if s.taken <= pick.deadline]
    if before:
        snap = before[-1]
        if not _is_commit(repo, snap.head):
            raise SourceError(
                f"the head collected at {iso(snap.taken)} ({snap.head[:12]}) is gone from the "
                "repository: its history was rewritten after the deadline"
            )
        return Choice(snap.head, f"collected {iso(snap.taken)}")
    if not pick.trust_commit_dates:
        raise SourceError(
            f"no record of this repository at or before the deadline {when}: run "
            "`hexahype collect` at the deadline (or pass --trust-commit-dates to go by the "
            "student's own commit dates)"
        )
    cut = int(pick.deadline)
    for sha, _author, committed in history(repo, head(repo)):
        if committed <= cut:
            return Choice(sha, "commit dates (unverified)")
    raise SourceError(f"no commit is dated before the deadline {when}")


def date_flags(
    repo: Path, graded: str, pick: Pick, evidence: Evidence | None, now: float
) -> list[str]:
    """Commits whose author or committer dates disagree with the records: dated after they
    were first seen, or, with a deadline, dated before it but first seen after it (backdated,
    or pushed late). A commit not in the records is first seen now."""
    seen = evidence.first_seen if evidence else {}
    flags: list[str] = []
    try:
        rows = history(repo, head(repo))
    except SourceError:
        return flags
    graded_history = {sha for sha, _, _ in history(repo, graded)} if rows else set()
    for sha, authored, committed in rows:
        first = seen.get(sha, now)
        latest = max(authored, committed)
        if latest > first + FUTURE_SLACK:
            flags.append(
                f"commit {sha[:12]} is dated {iso(latest)}, after it was first seen ({iso(first)})"
            )
        if pick.deadline is not None and sha not in graded_history and first > pick.deadline:
            earliest = min(authored, committed)
            if earliest <= pick.deadline:
                flags.append(
                    f"commit {sha[:12]} is dated {iso(earliest)}, before the deadline, but was "
                    f"first seen {iso(first)}, after it (backdated, or pushed late)"
                )
    return flags


def sightings(repo: Path) -> tuple[str, list[tuple[str, int, int]]]:
    """(HEAD, its history) for the records."""
    top = head(repo)
    return top, history(repo, top)


# -- reading files ------------------------------------------------------------------------------
class Source:
    """The files of one submission at one commit (or as they are on disk)."""

    def __init__(
        self, folder: Path, commit: str | None, basis: str = "", repo: Path | None = None
    ) -> None:
        self.folder = folder
        self.commit = commit
        self.repo = repo  # the private copy of its repository (own_repository), with a commit
        self.basis = basis  # why this commit (sources.Choice.basis); "" for a plain folder
        self.dates: list[str] = []  # commits whose dates disagree with the records
        self.head = ""  # the repository's HEAD when it was read, for the records
        self.seen: list[tuple[str, int, int]] = []  # HEAD's history, for the records
        self.redirected = ""  # why its .git was not read (Redirected), graded from its files
        self._files: dict[str, FileInfo] | None = None
        self._blobs: dict[str, bytes] = {}  # path -> bytes read ahead by `prefetch`

    def files(self) -> dict[str, FileInfo]:
        if self._files is None:
            self._files = self._git_files() if self.commit else self._disk_files()
        return self._files

    def _repo(self) -> Path:
        if self.repo is None:
            raise SourceError("no repository was opened for this commit")
        return self.repo

    def _git_files(self) -> dict[str, FileInfo]:
        out: dict[str, FileInfo] = {}
        listing = git(["ls-tree", "-r", "-l", "-z", "--full-tree", str(self.commit)], self._repo())
        for record in listing.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, kind, ref, size = meta.split()
            if kind != "blob":
                continue
            ftype = (
                "file" if mode in ("100644", "100755") else "link" if mode == "120000" else "other"
            )
            out[path] = FileInfo(ftype, int(size) if size.isdigit() else 0, ref)
        return out

    def _disk_files(self) -> dict[str, FileInfo]:
        out: dict[str, FileInfo] = {}
        for dirpath, dirnames, filenames in os.walk(self.folder, followlinks=False):
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in _SKIP_DIRS and not d.startswith(".venv") and not d.endswith(".egg-info")
            )
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(self.folder).as_posix()
                try:
                    st = full.lstat()
                except OSError:
                    continue
                if name.endswith((".pyc", ".pyo")):
                    continue
                kind = (
                    "file"
                    if stat.S_ISREG(st.st_mode)
                    else "link"
                    if stat.S_ISLNK(st.st_mode)
                    else "other"
                )
                out[rel] = FileInfo(kind, st.st_size, str(full))
        return out

    def prefetch(self, rels: list[str], limit: int, total: int = PREFETCH_BYTES) -> None:
        """Read the regular files `rels` (each at most `limit` bytes, all together at most
        `total`) of a commit with one `git cat-file --batch`, for `read` to answer from: one
        git process instead of one per file. Files outside the caps, and a plain folder's,
        are left to `read`, which refuses them one by one with its own message."""
        if not self.commit:
            return
        files = self.files()
        wanted = [
            rel
            for rel in dict.fromkeys(rels)
            if rel not in self._blobs
            and (info := files.get(rel)) is not None
            and info.kind == "file"
            and info.size <= limit
        ]
        if not wanted or sum(files[rel].size for rel in wanted) > total:
            return
        blobs = cat_blobs([files[rel].ref for rel in wanted], self._repo())
        for rel in wanted:
            data = blobs.get(files[rel].ref)
            if data is not None and len(data) == files[rel].size:
                self._blobs[rel] = data

    def read(self, rel: str, limit: int) -> bytes:
        """The bytes of a regular file, refusing links, special files and files over `limit`."""
        info = self.files().get(rel)
        if info is None:
            raise SourceError(f"{rel} is missing")
        if info.kind != "file":
            raise SourceError(f"{rel} is not a regular file")
        if info.size > limit:
            raise SourceError(f"{rel} is {info.size} bytes, over the {limit}-byte cap")
        if rel in self._blobs:
            data = self._blobs[rel]
        elif self.commit:
            data = git(["cat-file", "blob", info.ref], self._repo()).encode(
                "utf-8", "surrogateescape"
            )
        else:
            fd = os.open(info.ref, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as fh:
                data = fh.read(limit + 1)
        if len(data) > limit:
            raise SourceError(f"{rel} is over the {limit}-byte cap")
        return data

    def sha256(self, rel: str, limit: int = 64 * 1024 * 1024) -> str:
        try:
            return hashlib.sha256(self.read(rel, limit)).hexdigest()
        except SourceError:
            return "unreadable"
