"""Submissions and where their files come from.

A submission is a student repository folder, a git URL or path, or a batch: a folder of them
(what `gh classroom clone student-repos` writes). A git repository is graded at one commit (HEAD,
or the one `--at` picks) and read from git's objects, never from its working tree; a plain
folder is read as it is. Git runs with hooks and fsmonitor off, so reading a repository never
runs its code.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT = 300
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.I)
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
    return any((folder / name).exists() for name in (".git", "exercises", "course.toml"))


def student_name(location: str) -> str:
    name = location.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def discover(items: list[str]) -> tuple[list[Submission], list[str]]:
    """Expand the command line into submissions; return (submissions, one-line problems)."""
    found: list[Submission] = []
    problems: list[str] = []
    for item in items:
        if is_url(item) and not Path(item).exists():
            found.append(Submission(student_name(item), item, item))
            continue
        path = Path(item)
        if not path.is_dir():
            problems.append(f"{item}: no such folder or repository")
            continue
        if _looks_like_submission(path):
            found.append(Submission(path.resolve().name, str(path), str(path.resolve())))
            continue
        subs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        batch = [p for p in subs if _looks_like_submission(p)]
        if not batch:
            problems.append(f"{item}: neither a submission nor a folder of submissions")
        found += [Submission(p.name, str(p), str(p.resolve())) for p in batch]
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
def git(args: list[str], cwd: Path | None = None, timeout: float = GIT_TIMEOUT) -> str:
    cmd = [
        "git",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "core.fsmonitor=false",
        "-c",
        "safe.directory=*",
        "-c",
        "protocol.file.allow=always",
        *args,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", LC_ALL="C")
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, capture_output=True, timeout=timeout, env=env, check=False
        )
    except FileNotFoundError:
        raise SourceError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise SourceError(f"git {args[0]} did not finish within {timeout:.0f}s") from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"git {args[0]} failed: {err[-1] if err else proc.returncode}")
    return proc.stdout.decode("utf-8", "surrogateescape")


def clone(url: str, dest: Path) -> Path:
    git(["clone", "--quiet", "--no-checkout", "--", url, str(dest)])
    return dest


def resolve_commit(repo: Path, at: str | None) -> str:
    """The commit to grade: HEAD, the commit `at` names, or the last commit before date `at`."""
    if at is None:
        try:
            return git(["rev-parse", "--verify", "HEAD^{commit}"], repo).strip()
        except SourceError:
            raise SourceError("the repository has no commit") from None
    try:
        return git(["rev-parse", "--verify", "--quiet", f"{at}^{{commit}}"], repo).strip()
    except SourceError:
        pass
    try:
        sha = git(["rev-list", "-1", f"--before={at}", "HEAD"], repo).strip()
    except SourceError:
        sha = ""
    if not sha:
        raise SourceError(f"no commit matches --at {at!r} (neither a commit nor an earlier date)")
    return sha


# -- reading files ------------------------------------------------------------------------------
class Source:
    """The files of one submission at one commit (or as they are on disk)."""

    def __init__(self, folder: Path, commit: str | None) -> None:
        self.folder = folder
        self.commit = commit
        self._files: dict[str, FileInfo] | None = None

    def files(self) -> dict[str, FileInfo]:
        if self._files is None:
            self._files = self._git_files() if self.commit else self._disk_files()
        return self._files

    def _git_files(self) -> dict[str, FileInfo]:
        out: dict[str, FileInfo] = {}
        listing = git(["ls-tree", "-r", "-l", "-z", "--full-tree", str(self.commit)], self.folder)
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

    def read(self, rel: str, limit: int) -> bytes:
        """The bytes of a regular file, refusing links, special files and files over `limit`."""
        info = self.files().get(rel)
        if info is None:
            raise SourceError(f"{rel} is missing")
        if info.kind != "file":
            raise SourceError(f"{rel} is not a regular file")
        if info.size > limit:
            raise SourceError(f"{rel} is {info.size} bytes, over the {limit}-byte cap")
        if self.commit:
            data = git(["cat-file", "blob", info.ref], self.folder).encode(
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
