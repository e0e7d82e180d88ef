"""The red-team corpus: hostile submissions graded by the real `hexahype grade`.

Each folder in `grader/tests/redteam/` is one attack: `attack.py` is added to the attacked
lesson's module of an otherwise complete submission made of the reference solutions, and
`expect.toml` says which lesson is attacked, which lessons must score 0, whether the attack
needs a real sandbox (bubblewrap) to be contained, how the attack replaces the lesson's
functions (`override`: every task becomes `attack`, every task is wrapped by `wrap`, the stub
stays, or nothing), and files overlaid on the submission (a conftest, a stray numpy.py).

Optional keys: `folder` (the submission's folder name, for hostile names), `author` (the git
author and committer name), `future` (the commit is dated far in the future), and a
`[deadline]` table: what the student commits after the deadline (`after = "solution"`, the
lesson's real solution), whether those commits are dated before it (`backdate`), refs named to
fool a resolver (`refs`, `{DAY}` is the deadline's date), and the date flag expected
(`flag`). `redirect` makes the submission's repository reach a classmate's (`control-solutions`,
every lesson solved): a `gitdir:` file (relative or absolute), a linked .git, alternates, a
commondir, linked objects, or a config include making the classmate a promisor remote
(`redirect_repository`); the top-level `flag` is then the tamper flag expected, and the
submission must be graded from its own files (the stub) and never recorded by `collect`.

Every submission is a git repository. The entries are graded in one batch per run: through
the local executor and through the Dask executor (a LocalCluster of two worker processes), at
the best isolation here and, as root, again at the process level (`--sandbox process`: a user
of its own per worker, in namespaces of its own where the machine allows them), each batch
checked the same way. The first run grades every entry; the others grade every entry of the
families that act on what they change and representatives of the rest (`FAMILIES`, `in_run`). An entry with `sandbox = true` needs bubblewrap to be contained; one with
`namespaces = true` needs bubblewrap or a process level with namespaces (`sandbox.namespaces_work`).
HEXAHYPE_REDTEAM_ONLY=NAME,NAME grades only those entries (and the controls), to try new ones. The batch runs on a temporary copy
of the instructor's course (a few lessons) under a path that holds a host canary, with canaries
planted in the hidden tests (as a comment and as a hidden test's argument), the solutions, the
gradebook and the environment: `hexahype collect` records the batch, the deadline passes, the
deadline entries commit, and `hexahype grade --deadline` grades. While it runs, the memory and
process count of each worker (all its processes together) are sampled. The tests then check the
points, that no canary and no host detail reaches any output, CSV or feedback, that student
strings are inert on the terminal, in markdown/HTML and CSV, that feedback files never collide,
that dates were flagged, that the caps and the submission timeout held, that no process of the
run is left, and that the instructor's files are unchanged. A last test grades the whole course
(every complete lesson, visible and hidden suites) with the reference solutions (100%) and the
stubs (0%).
"""

from __future__ import annotations

import csv
import hashlib
import os
import pwd
import py_compile
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest
import tomllib

from grader import manifest, runs
from grader.grading import sandbox
from grader.manifest import Lesson

from .conftest import gradebook_points as points
from .conftest import kit_snapshot

KIT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "redteam"
PREFERRED = ("1.1", "1.3")  # the small course the corpus is graded on
CALL_TIMEOUT = "3"
RUN_BOUND = 420.0  # seconds for the whole corpus batch
TAG = "rt" + secrets.token_hex(6)  # in the environment of every process a batch here starts
# one tag per graded batch: the stray-process check of one never sees another's processes
EXECUTORS = ("local", "dask")  # the corpus is graded through each
# (executor, --sandbox): the best isolation here, and the process level as root (a user of its
# own per worker; without root it is one submission at a time, as the grader's own user)
RUNS = [(e, "auto") for e in EXECUTORS] + (
    [(e, "process") for e in EXECUTORS] if os.geteuid() == 0 else []
)
# Every entry belongs to one family of attacks. The first run (the local executor at the best
# isolation here) grades the whole corpus. The other runs change only the executor or the
# isolation level, so they grade every entry whose attack acts on what they change (the worker
# process's life, its resources, what it can see and reach) and one or more representatives of
# each family that acts before or after the executor (intake of the submission folder, the
# harness inside the worker, the answers it sends back, the strings it leaves in reports): the
# same code handles those whatever the executor or the level.
FAMILIES: dict[str, tuple[bool, tuple[str, ...]]] = {
    # family: (acts on what the runs change, its entries)
    "exits": (True, (
        "exit-at-import", "exit-spoofing", "system-exit", "keyboard-interrupt",
        "signal-ignoring-loop", "infinite-loop",
    )),
    "resources": (True, (
        "fork-bomb", "fork-fanout-cpu", "fork-fanout-memory", "memory-bomb", "disk-flood",
        "disk-gigabyte", "output-flood",
    )),
    "isolation": (True, (
        "host-details", "kill-everything", "late-child-writes", "ptrace-others", "read-home",
        "result-file-forgery", "dask-cluster-reach", "network-localhost", "network-outside",
        "read-hidden-tests", "read-solutions-anywhere", "environment-snooping",
        "hidden-replay-files",
    )),
    "harness": (False, (
        "skip-smuggling", "xfail-smuggling", "lying-eq", "gc-fishing", "gc-pytest-internals",
        "frame-getframe", "inspect-stack", "conftest-in-submission", "pytest-ini-in-submission",
        "pytest-addopts-env", "numpy-shadow", "regex-shadow", "unchecked-pyc", "array-function",
        "argument-mutation",
    )),
    "answers": (False, ("hidden-replay", "hidden-replay-late", "answer-hash-flood")),
    "strings": (False, ("terminal-forgery", "markdown-injection", "hostile-return-values")),
    "intake": (False, (
        "control-character-folder", "csv-formula-folder", "name-collision-case",
        "name-collision-space", "name-collision-underscore", "deadline-backdated",
        "deadline-future-dated", "deadline-named-refs", "git-metadata", "git-alternates",
        "git-commondir", "git-gitdir-absolute", "git-gitdir-file", "git-promisor-include",
        "git-symlinked-dir", "git-symlinked-objects",
    )),
}  # fmt: skip
# the representatives of the families that act before or after the executor, in the other runs
REPRESENTATIVES = (
    "skip-smuggling", "lying-eq", "conftest-in-submission", "hidden-replay", "answer-hash-flood",
    "terminal-forgery", "csv-formula-folder", "name-collision-case", "deadline-backdated",
    "git-gitdir-file",
)  # fmt: skip


def in_run(name: str, run: tuple[str, str]) -> bool:
    """Whether entry `name` is graded in `run`: all of them in the first run; in the others,
    every entry of a family that acts on what they change, and the representatives."""
    if run == RUNS[0]:
        return True
    family = next(f for f, (_, names) in FAMILIES.items() if name in names)
    return FAMILIES[family][0] or name in REPRESENTATIVES


TAGS = {
    run: f"rt{run.replace('-', '')}" + secrets.token_hex(6)
    for run in [f"{e}-{m}" for e, m in RUNS] + ["full"]
}
CANARY_HIDDEN = "HEXAHYPE-CANARY-HIDDEN-" + secrets.token_hex(6)
CANARY_SOLUTION = "HEXAHYPE-CANARY-SOLUTION-" + secrets.token_hex(6)
CANARY_GRADEBOOK = "HEXAHYPE-CANARY-GRADEBOOK-" + secrets.token_hex(6)
CANARY_ENV = "HEXAHYPE-CANARY-ENV-" + secrets.token_hex(6)
CANARY_ARG = "HEXAHYPE-CANARY-HIDDENARG-" + secrets.token_hex(6)
CANARY_HOST = "HEXAHYPE-CANARY-HOST-" + secrets.token_hex(6)
CONTROLS = ("control-solutions", "control-stubs")
SUBMISSION_TIMEOUT = 120.0
WORKER_MEMORY_MB = 1024
FORMULA = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Entry:
    name: str
    doc: str
    lesson: str
    zero: list[str]
    sandbox: bool
    override: str
    files: dict[str, str] = field(default_factory=dict)
    setup: str = ""
    pass_anyway: list[str] = field(default_factory=list)
    folder: str = ""  # the submission folder's name (default: the entry's name)
    author: str = "Student"
    future: bool = False
    deadline: dict[str, object] = field(default_factory=dict)
    redirect: str = ""  # how the repository reaches a classmate's (redirect_repository)
    flag: str = ""  # the tamper flag expected
    namespaces: bool = False  # contained by bubblewrap or a process level with namespaces

    @property
    def student(self) -> str:
        """The submission folder's name."""
        return self.folder or self.name

    @property
    def shown(self) -> str:
        """The student's name as the grader records it."""
        from grader import untrusted

        return untrusted.name(self.student)


def load_entries() -> list[Entry]:
    out = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        spec = tomllib.loads((folder / "expect.toml").read_text(encoding="utf-8"))
        out.append(
            Entry(
                name=folder.name,
                doc=(folder / "expect.toml").read_text(encoding="utf-8").splitlines()[0][2:],
                lesson=spec["lesson"],
                zero=list(spec["zero"]),
                sandbox=bool(spec["sandbox"]),
                override=spec["override"],
                files=dict(spec.get("files", {})),
                setup=spec.get("setup", ""),
                pass_anyway=list(spec.get("pass_anyway", [])),
                folder=spec.get("folder", ""),
                author=spec.get("author", "Student"),
                future=bool(spec.get("future", False)),
                deadline=dict(spec.get("deadline", {})),
                redirect=spec.get("redirect", ""),
                flag=spec.get("flag", ""),
                namespaces=bool(spec.get("namespaces", False)),
            )
        )
    return out


ENTRIES = load_entries()


def _complete(entry: Lesson) -> bool:
    need = [entry.exercise_path, entry.solution_path, entry.test_path, entry.hidden_test_path]
    return entry.is_lesson and all(p.exists() for p in need)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def make_course(root: Path, ids: list[str] | None) -> list[Lesson]:
    """A copy of the instructor's course with the chosen complete lessons (all when `ids` is
    None), canaries planted in its hidden tests and solutions."""
    live = manifest.load(KIT)
    chosen = [e for e in live.entries if _complete(e) and (ids is None or e.id in ids)]
    kit_snapshot(root, chosen)
    for e in chosen:
        hidden = root / e.hidden_test_path.relative_to(KIT)
        extra = f"\n# {CANARY_HIDDEN}\n"
        if e.id == "1.3":  # a hidden input that a student's code could try to replay
            extra += (
                f"\n\ndef test_canary_hidden_argument({e.fixture}):\n"
                f"    assert isinstance({e.fixture}.train_bpe({CANARY_ARG!r}, 256), list)\n"
            )
        hidden.write_text(hidden.read_text("utf-8") + extra, "utf-8")
        sol = root / e.solution_path.relative_to(KIT)
        sol.write_text(sol.read_text("utf-8") + f"\n# {CANARY_SOLUTION}\n", "utf-8")
    course = manifest.load(root)
    return [course.get(e.id) for e in chosen]


def write_submission(dest: Path, lessons: list[Lesson], entry: Entry | None, port: int) -> None:
    """A complete submission: every reference solution of the kit (without canaries; a lesson
    may import an earlier one), with `entry`'s attack in its lesson."""
    live = manifest.load(KIT)
    graded = {e.id for e in lessons}
    lessons = [e for e in live.entries if e.is_lesson and e.solution_path.exists()]
    for chapter in {e.package for e in lessons}:
        _copy(
            KIT / "exercises" / chapter / "__init__.py",
            dest / "exercises" / chapter / "__init__.py",
        )
    for lesson in lessons:
        source = (KIT / lesson.solution_path.relative_to(lesson.root)).read_text("utf-8")
        target = dest / lesson.exercise_path.relative_to(lesson.root)
        if entry is not None and lesson.id == entry.lesson:
            attack = (
                (CORPUS / entry.name / "attack.py").read_text("utf-8").replace("{PORT}", str(port))
            )
            if entry.override == "stub":
                source = (KIT / lesson.exercise_path.relative_to(lesson.root)).read_text("utf-8")
            source += "\n\n# -- the attack --\n" + attack + "\n"
            if entry.override == "attack":
                source += "".join(f"{task} = attack\n" for task in lesson.tasks)
            elif entry.override == "wrap":
                source += "".join(f"{task} = wrap({task})\n" for task in lesson.tasks)
            if entry.setup == "pyc":
                pyc = (
                    target.parent
                    / "__pycache__"
                    / f"{target.stem}.cpython-{sys.version_info[0]}{sys.version_info[1]}.pyc"
                )
                honest = dest / "honest.py"
                honest.write_text(
                    (KIT / lesson.solution_path.relative_to(lesson.root)).read_text("utf-8")
                )
                pyc.parent.mkdir(parents=True, exist_ok=True)
                py_compile.compile(
                    str(honest),
                    cfile=str(pyc),
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                honest.unlink()
        elif dest.name == "control-stubs" and lesson.id in graded:
            source = (KIT / lesson.exercise_path.relative_to(lesson.root)).read_text("utf-8")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    for rel, text in (entry.files if entry else {}).items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    author = entry.author if entry else "Student"
    when = "2099-06-01T00:00:00+00:00" if entry is not None and entry.future else None
    git(dest, author, when, "init", "-q")
    git(dest, author, when, "add", "-A")
    git(dest, author, when, "commit", "-q", "-m", f"{author}'s work")


def git(repo: Path, author: str, when: str | None, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME=author, GIT_COMMITTER_NAME=author)
    env.update(GIT_AUTHOR_EMAIL="s@example.org", GIT_COMMITTER_EMAIL="s@example.org")
    if when is not None:
        env.update(GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    proc = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (args, proc.stderr)
    return proc.stdout


def after_deadline(dest: Path, entry: Entry, deadline: str) -> None:
    """What a deadline entry commits once the deadline has passed."""
    spec = entry.deadline
    live = manifest.load(KIT)
    lesson = live.get(entry.lesson)
    if spec.get("after") == "solution":
        target = dest / lesson.exercise_path.relative_to(lesson.root)
        target.write_text(lesson.solution_path.read_text("utf-8"), encoding="utf-8")
    when = "2001-01-01T00:00:00Z" if spec.get("backdate") else None
    git(dest, entry.author, when, "commit", "-q", "-am", "after the deadline")
    for ref in spec.get("refs", []):
        kind, _, name = str(ref).partition(":")
        name = name.replace("{DAY}", deadline[:10])  # a tag named like the deadline's date
        git(dest, entry.author, when, "tag" if kind == "tag" else "branch", name)


REDIRECTS = (
    "gitdir-file",
    "gitdir-absolute",
    "symlinked-dir",
    "alternates",
    "commondir",
    "symlinked-objects",
    "promisor-include",
)


def redirect_repository(dest: Path, victim: Path, kind: str) -> None:
    """Make `dest`'s repository reach `victim`'s, so that git reading `dest` would read the
    victim's commit (or objects); `dest`'s own files stay as they are."""
    dot = dest / ".git"
    theirs = victim / ".git"
    head = git(victim, "x", None, "rev-parse", "HEAD").strip()
    if kind in ("gitdir-file", "gitdir-absolute", "symlinked-dir"):
        shutil.rmtree(dot)
        if kind == "symlinked-dir":
            dot.symlink_to(os.path.relpath(theirs, dest))
        else:
            target = theirs if kind == "gitdir-absolute" else os.path.relpath(theirs, dest)
            dot.write_text(f"gitdir: {target}\n", encoding="utf-8")
    elif kind == "alternates":
        (dot / "objects" / "info" / "alternates").write_text(f"{theirs / 'objects'}\n")
        (dot / "refs" / "heads" / "main").write_text(head + "\n")
    elif kind == "symlinked-objects":
        shutil.rmtree(dot / "objects")
        (dot / "objects").symlink_to(theirs / "objects")
        (dot / "refs" / "heads" / "main").write_text(head + "\n")
    elif kind == "commondir":
        for name in ("objects", "refs"):
            shutil.rmtree(dot / name)
        (dot / "packed-refs").unlink(missing_ok=True)
        (dot / "commondir").write_text(os.path.relpath(theirs, dot) + "\n")
    elif kind == "promisor-include":
        live = manifest.load(KIT).get("1.3")
        rel = live.exercise_path.relative_to(live.root).as_posix()
        blob = git(victim, "x", None, "rev-parse", f"HEAD:{rel}").strip()
        git(dest, "x", None, "update-index", "--cacheinfo", f"100644,{blob},{rel}")
        tree = git(dest, "x", None, "write-tree", "--missing-ok").strip()
        commit = git(dest, "x", None, "commit-tree", tree, "-p", "HEAD", "-m", "borrowed")
        git(dest, "x", None, "update-ref", "refs/heads/main", commit.strip())
        git(dest, "x", None, "reset", "-q")  # the index as the work tree (the stub) again
        (dot / "promisor.cfg").write_text(
            "[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialclone = origin\n"
            f'[remote "origin"]\n\turl = {victim}\n\tpromisor = true\n'
            "\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
            encoding="utf-8",
        )
        with (dot / "config").open("a", encoding="utf-8") as fh:
            fh.write("[include]\n\tpath = promisor.cfg\n")
    else:
        raise AssertionError(f"unknown redirect {kind!r}")


def tree_hash(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def strays(marker: str) -> list[str]:
    """Processes whose environment or command line holds `marker`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        for part in ("environ", "cmdline"):
            try:
                data = Path(f"/proc/{entry.name}/{part}").read_bytes()
            except OSError:
                continue
            if marker.encode() in data:
                found.append(f"{entry.name}: {data[:120]!r}")
                break
    return found


def grade_env(tmp: Path, tag: str = TAG) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    env.update(TMPDIR=str(tmp), HEXAHYPE_GRADE_TAG=tag, HEXAHYPE_CANARY=CANARY_ENV)
    env["SECRET_API_TOKEN"] = CANARY_ENV
    return env


@pytest.fixture(scope="module")
def level() -> str:
    return sandbox.choose("auto")


def allocated(smaps_rollup: str) -> int:
    """The memory a process allocated, in bytes, from its /proc/PID/smaps_rollup: its
    proportional share (pages a forked child shares are not counted twice) of anonymous and
    shared-memory pages, what a memory bomb grows. Pages mapped from files (Python, numpy's
    libraries) are left out: how many processes share them, and which control group they are
    charged to, depends on what else the machine runs. An older kernel without the split
    gives the whole proportional set size."""
    fields = dict(re.findall(r"^(Pss\w*):\s+(\d+) kB", smaps_rollup, re.M))
    if "Pss_Anon" in fields:
        return (int(fields["Pss_Anon"]) + int(fields.get("Pss_Shmem", 0))) * 1024
    return int(fields.get("Pss", 0)) * 1024


class Sampler:
    """Samples, every 50 ms, the allocated memory (`allocated`) and the process count of each
    worker (all the processes whose environment holds its marker, summed over those still
    alive at the end of the scan, so that one killed during it is not added to its successor).

    A process whose environment lacks the marker is looked at again only after `RECHECK`
    seconds: reading every process's environment 20 times a second cost the batch about a
    tenth of a core. A new process is read at once. One that was seen between its fork and
    its exec (still with its parent's environment), or a process id reused within `RECHECK`,
    goes unsampled for at most that long. A cap that does not hold lets a bomb grow for
    seconds, far past the cap, so the checks below still see it."""

    RECHECK = 1.0

    def __init__(self, tag: str) -> None:
        self.needle = f"HEXAHYPE_WORKER=hexahype-worker-{tag}-".encode()
        self.memory: dict[str, int] = {}
        self.count: dict[str, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.unmarked: dict[str, float] = {}  # pid -> when its environment lacked the marker

    def _loop(self) -> None:
        while not self.done.wait(0.05):
            memory: dict[str, int] = {}
            count: dict[str, int] = {}
            now = time.monotonic()
            seen: list[tuple[str, str, int]] = []  # (pid, worker, allocated) in this scan
            for entry in os.scandir("/proc"):
                if not entry.name.isdigit():
                    continue
                if now - self.unmarked.get(entry.name, -self.RECHECK) < self.RECHECK:
                    continue
                try:
                    env = Path(f"/proc/{entry.name}/environ").read_bytes()
                except OSError:  # gone, or a kernel thread (no environment to read)
                    self.unmarked[entry.name] = now
                    continue
                at = env.find(self.needle)
                if at < 0:
                    self.unmarked[entry.name] = now
                    continue
                try:
                    status = Path(f"/proc/{entry.name}/smaps_rollup").read_text()
                except OSError:
                    continue
                token = env[at:].split(b"\0", 1)[0].decode()
                seen.append((entry.name, token, allocated(status)))
            # a sum of processes that lived at the same time: one that ended during the scan
            # (a bomb the cap just killed, whose memory is gone) is left out of it
            for pid, token, value in seen:
                if _alive(pid):
                    memory[token] = memory.get(token, 0) + value
                    count[token] = count.get(token, 0) + 1
            for token, value in memory.items():
                self.memory[token] = max(self.memory.get(token, 0), value)
                self.count[token] = max(self.count.get(token, 0), count[token])

    def __enter__(self) -> Sampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def _alive(pid: str) -> bool:
    """Whether process `pid` still runs (a zombie, already dead, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def host_details() -> list[str]:
    """Strings of this machine that no student should ever see."""
    users = [u.pw_name for u in pwd.getpwall() if u.pw_name not in ("root", "nobody")]
    return [CANARY_HOST, str(KIT), sys.prefix, os.path.realpath(sys.executable)] + [
        f"{u}:x:" for u in users
    ]


def gone(marker: str, seconds: float = 10.0) -> list[str]:
    """The processes holding `marker` that are still there after `seconds` (a process that
    is ending as the batch ends gets that long; a stray stays)."""
    ends = time.monotonic() + seconds
    while (left := strays(marker)) and time.monotonic() < ends:
        time.sleep(0.25)
    return left


def runnable_here(entry: Entry, level: str) -> bool:
    """Whether `level` contains `entry` (some attacks need bubblewrap, or namespaces)."""
    if entry.sandbox:
        return level == "bwrap"
    if entry.namespaces:
        return level == "bwrap" or sandbox.namespaces_work()
    return True


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test of `corpus_run` runs once per run; test_attack_is_contained once per run and
    entry graded in that run."""
    if "corpus_run" not in metafunc.fixturenames:
        return
    if metafunc.function.__name__ != "test_attack_is_contained":
        ids = [f"{e}-{m}" for e, m in RUNS]
        metafunc.parametrize("corpus_run", RUNS, indirect=True, ids=ids, scope="module")
        return
    pairs = [(run, e) for run in RUNS for e in ENTRIES if in_run(e.name, run)]
    metafunc.parametrize(
        ("corpus_run", "entry"),
        pairs,
        indirect=["corpus_run"],
        ids=[f"{run[0]}-{run[1]}-{e.name}" for run, e in pairs],
        scope="module",
    )


_GRADED: dict[tuple[str, str], dict] = {}  # run -> its corpus_run, graded once per process


@pytest.fixture(scope="module")
def corpus_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The corpus and the controls, graded in one batch by `hexahype grade`, through the
    local executor, then through a Dask LocalCluster of two worker processes; at the best
    isolation here, then (as root) at the process level (`in_run`: which entries each run
    grades). Each run is graded once per test process, however pytest orders the tests."""
    run = request.param
    if run not in _GRADED:
        _GRADED[run] = _grade_corpus(*run, tmp_path_factory)
    return _GRADED[run]


def _grade_corpus(executor: str, mode: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    level = sandbox.choose(mode)
    tag = TAGS[f"{executor}-{mode}"]
    work = tmp_path_factory.mktemp(f"redteam-{executor}-{mode}")
    root = work / f"instructor-{CANARY_HOST}" / "course"
    lessons = make_course(root, list(PREFERRED))
    if "1.3" not in [e.id for e in lessons] or len(lessons) < 2:
        pytest.fail("the red-team course needs lesson 1.3 and one more complete lesson")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    batch = work / "batch"
    only = [n for n in os.environ.get("HEXAHYPE_REDTEAM_ONLY", "").split(",") if n]
    runnable = [
        e
        for e in ENTRIES
        if runnable_here(e, level)
        and in_run(e.name, (executor, mode))
        and (not only or e.name in only)
    ]
    for e in runnable:
        write_submission(batch / e.student, lessons, e, port)
    for name in CONTROLS:
        write_submission(batch / name, lessons, None, port)
    for e in runnable:
        if e.redirect:
            redirect_repository(batch / e.student, batch / "control-solutions", e.redirect)
    db = work / "gradebook.sqlite"
    with sqlite3.connect(db) as con:  # an earlier grade holding a canary
        con.execute("CREATE TABLE canary (secret TEXT)")
        con.execute("INSERT INTO canary VALUES (?)", (CANARY_GRADEBOOK,))
    (work / "tmp").mkdir()
    before = tree_hash(root)
    cli = [sys.executable, "-m", "grader.cli"]
    collect = subprocess.run(
        [*cli, "collect", str(batch), "--gradebook", str(db)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env=grade_env(work / "tmp", tag),
    )
    time.sleep(1.2)
    deadline = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    time.sleep(1.2)
    for e in runnable:
        if e.deadline:
            after_deadline(batch / e.student, e, deadline)
    started = time.monotonic()
    with Sampler(tag) as sampler:
        proc = subprocess.run(
            [*cli, "grade", str(batch), "--gradebook", str(db), "--deadline", deadline]
            + ["--timeout", CALL_TIMEOUT, "--submission-timeout", str(SUBMISSION_TIMEOUT)]
            + ["--jobs", "3", "--worker-memory-mb", str(WORKER_MEMORY_MB)]
            + ["--executor", executor, "--sandbox", mode]
            + (["--require-isolation", "process"] if mode == "process" else []),
            cwd=root,
            capture_output=True,
            text=True,
            timeout=900,
            env=grade_env(work / "tmp", tag),
        )
    elapsed = time.monotonic() - started
    (work / "grade.stdout").write_text(proc.stdout, "utf-8")  # kept for a failure's diagnosis
    (work / "grade.stderr").write_text(proc.stderr, "utf-8")
    feedback = work / "feedback"
    fb = subprocess.run(
        [*cli, "gradebook", "--gradebook", str(db), "feedback", str(feedback)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=grade_env(work / "tmp", tag),
    )
    export = work / "grades.csv"
    csv_proc = subprocess.run(
        [*cli, "gradebook", "--gradebook", str(db), "export-csv", str(export)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env=grade_env(work / "tmp", tag),
    )
    time.sleep(0.5)
    after = tree_hash(root)
    left = gone(tag)
    try:
        conn, _ = listener.accept()
        conn.close()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    return {
        "collect": collect,
        "proc": proc,
        "feedback": fb,
        "feedback_dir": feedback,
        "csv": csv_proc,
        "csv_path": export,
        "db": db,
        "elapsed": elapsed,
        "strays": left,
        "connected": connected,
        "lessons": lessons,
        "changed": sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)),
        "runnable": {e.name for e in runnable},
        "students": {e.student for e in runnable} | set(CONTROLS),
        "memory": sampler.memory,
        "count": sampler.count,
        "level": level,
        "full": (executor, mode) == RUNS[0],
    }


def test_corpus_covers_the_attack_families() -> None:
    names = {e.name for e in ENTRIES}
    assert len(ENTRIES) >= 50
    for needed in (
        "exit-spoofing",
        "system-exit",
        "skip-smuggling",
        "conftest-in-submission",
        "numpy-shadow",
        "unchecked-pyc",
        "lying-eq",
        "frame-getframe",
        "read-hidden-tests",
        "fork-bomb",
        "network-localhost",
        "environment-snooping",
        "argument-mutation",
        # the integrity classes: hidden inputs, student strings, file names, deadlines, caps,
        # other submissions, host details
        "hidden-replay",
        "hidden-replay-late",
        "hidden-replay-files",
        "terminal-forgery",
        "markdown-injection",
        "hostile-return-values",
        "csv-formula-folder",
        "control-character-folder",
        "git-metadata",
        "name-collision-space",
        "name-collision-underscore",
        "name-collision-case",
        "deadline-backdated",
        "deadline-named-refs",
        "deadline-future-dated",
        "fork-fanout-memory",
        "fork-fanout-cpu",
        "kill-everything",
        "ptrace-others",
        "host-details",
        # the submission's own files: repositories that reach a classmate's
        *(f"git-{kind}" for kind in ("gitdir-file", "symlinked-dir", "alternates", "commondir")),
        # grading integrity, part two: the sandbox's properties at every level and executor
        "dask-cluster-reach",
        "read-solutions-anywhere",
        "disk-gigabyte",
        "answer-hash-flood",
    ):
        assert needed in names
    for e in ENTRIES:
        assert e.override in ("attack", "wrap", "stub", "none"), e.name
        assert not (e.sandbox and e.namespaces), e.name
        assert set(e.zero) <= {e.lesson}, e.name
        assert (CORPUS / e.name / "attack.py").is_file()
        assert e.redirect in ("", *REDIRECTS), e.name
        assert not e.redirect or (e.flag and e.zero == [e.lesson]), e.name
    assert {e.redirect for e in ENTRIES} >= set(REDIRECTS)


def test_every_entry_has_one_family_and_every_run_grades_every_family() -> None:
    families = [f for f, (_, names) in FAMILIES.items() for _ in names]
    members = [n for _, names in FAMILIES.values() for n in names]
    assert sorted(members) == sorted(e.name for e in ENTRIES), "an entry without one family"
    assert len(families) == len(members)
    assert set(REPRESENTATIVES) <= set(members)
    for run in RUNS:
        graded = {n for n in members if in_run(n, run)}
        for family, (changes, names) in FAMILIES.items():
            assert graded & set(names), (run, family)
            if changes:  # what the run changes: all of the family
                assert set(names) <= graded, (run, family)


def test_attack_is_contained(entry: Entry, corpus_run: dict) -> None:
    if entry.name not in corpus_run["runnable"]:
        level = corpus_run["level"]
        pytest.skip(f"not contained by {level} here (README: isolation levels), or not selected")
    proc = corpus_run["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = points(corpus_run["db"]).get(entry.shown)
    assert got is not None, f"{entry.name} was not graded: {proc.stdout[-2000:]}"
    for lesson in corpus_run["lessons"]:
        if lesson.id not in entry.zero:
            assert got[lesson.id] == float(lesson.points), (entry.name, lesson.id, got)
        elif not entry.pass_anyway:
            assert got[lesson.id] == 0.0, (entry.name, lesson.id, got)
    with sqlite3.connect(corpus_run["db"]) as con:
        passed = [
            name.split("::")[-1].split("[")[0]
            for (name,) in con.execute(
                "SELECT t.name FROM tests t JOIN submissions s ON s.id = t.submission_id "
                "WHERE s.student = ? AND t.status = 'passed' AND t.lesson IN "
                f"({', '.join('?' * len(entry.zero))})",
                (entry.shown, *entry.zero),
            )
        ]
    assert set(passed) <= set(entry.pass_anyway), (entry.name, passed)


def test_controls_and_isolation_level(corpus_run: dict) -> None:
    level = corpus_run["level"]
    got = points(corpus_run["db"])
    lessons = corpus_run["lessons"]
    assert got["control-solutions"] == {e.id: float(e.points) for e in lessons}
    assert got["control-stubs"] == {e.id: 0.0 for e in lessons}
    with sqlite3.connect(corpus_run["db"]) as con:
        levels = {r[0] for r in con.execute("SELECT isolation FROM submissions")}
    assert levels == {sandbox.recorded(level)}
    assert f"isolated by {level}" in corpus_run["proc"].stdout


def test_disk_is_capped_per_submission(corpus_run: dict) -> None:
    """A submission that writes a gigabyte wherever it can stops at its worker's cap (one
    private tmpfs), and the batch goes on: every other submission is graded."""
    name = "disk-gigabyte"
    if name not in corpus_run["runnable"]:
        pytest.skip(f"{corpus_run['level']} has no per-submission disk cap here (README)")
    with sqlite3.connect(corpus_run["db"]) as con:
        messages = [
            r[0]
            for r in con.execute(
                "SELECT t.message FROM tests t JOIN submissions s ON s.id = t.submission_id "
                "WHERE s.student = ?",
                (name,),
            )
        ]
        graded = con.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    wrote = [int(m) for text in messages for m in re.findall(r"DISK wrote (\d+) MB", text)]
    assert wrote, messages[:3]
    assert 0 < max(wrote) <= sandbox.TMPFS_BYTES >> 20, wrote
    assert graded == len(corpus_run["students"])


def test_no_canary_reaches_any_output(corpus_run: dict) -> None:
    texts = [corpus_run["proc"].stdout, corpus_run["proc"].stderr, corpus_run["feedback"].stdout]
    assert corpus_run["feedback"].returncode == 0, corpus_run["feedback"].stderr
    texts += [p.read_text("utf-8") for p in corpus_run["feedback_dir"].glob("*.md")]
    with sqlite3.connect(corpus_run["db"]) as con:
        for table, cols in (
            ("submissions", "problem, tamper_detail"),
            ("lessons", "message"),
            ("tests", "message, doc"),
        ):
            texts += [" ".join(map(str, row)) for row in con.execute(f"SELECT {cols} FROM {table}")]
    blob = "\n".join(texts)
    for canary in (CANARY_HIDDEN, CANARY_SOLUTION, CANARY_GRADEBOOK, CANARY_ENV):
        assert canary not in blob, canary
    graded = len(corpus_run["runnable"]) + len(CONTROLS)
    assert len(list(corpus_run["feedback_dir"].glob("*.md"))) == graded


def _student_facing(corpus_run: dict) -> str:
    """Everything a student (or the terminal, or the CSV) can see: never a hidden test's own
    message, which stays in the gradebook for the instructor."""
    texts = [corpus_run["proc"].stdout, corpus_run["proc"].stderr, corpus_run["feedback"].stdout]
    texts += [p.read_text("utf-8") for p in corpus_run["feedback_dir"].iterdir()]
    texts.append(corpus_run["csv_path"].read_text("utf-8"))
    with sqlite3.connect(corpus_run["db"]) as con:
        texts += [r[0] for r in con.execute("SELECT problem FROM submissions")]
        texts += [r[0] for r in con.execute("SELECT message FROM lessons")]
        texts += [r[0] for r in con.execute("SELECT message FROM tests WHERE hidden = 0")]
    return "\n".join(texts)


def test_hidden_inputs_never_reach_what_students_see(corpus_run: dict) -> None:
    with sqlite3.connect(corpus_run["db"]) as con:
        ran = con.execute(
            "SELECT COUNT(*) FROM tests WHERE name LIKE '%test_canary_hidden_argument' "
            "AND status = 'passed'"
        ).fetchone()[0]
    assert ran > 0, "the hidden canary test never ran"
    assert CANARY_ARG not in _student_facing(corpus_run)


def test_no_host_detail_reaches_any_output(corpus_run: dict) -> None:
    blob = _student_facing(corpus_run)
    with sqlite3.connect(corpus_run["db"]) as con:
        blob += "\n".join(r[0] for r in con.execute("SELECT message FROM tests"))
    leaked = [d for d in host_details() if d in blob]
    assert not leaked, leaked


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def test_student_strings_are_inert_on_the_terminal(corpus_run: dict) -> None:
    out = corpus_run["proc"].stdout
    assert not _CONTROL.search(out + corpus_run["proc"].stderr)
    students = sorted(corpus_run["students"], key=len, reverse=True)
    for line in out.splitlines():
        if line.startswith(("hexahype grade:", "graded ")):
            continue
        assert any(line.startswith(f"{s} @ ") for s in _shown(students)), line[:200]
    lines = [ln for ln in out.splitlines() if " @ " in ln]
    assert len(lines) == len(corpus_run["students"]), "a student's text forged a line"


def _shown(students: list[str]) -> list[str]:
    from grader import untrusted

    return [untrusted.name(s) for s in students]


def test_student_strings_are_inert_in_markdown_and_html(corpus_run: dict) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"linkify": False}).enable("table")
    for path in corpus_run["feedback_dir"].glob("*.md"):
        text = path.read_text("utf-8")
        assert not _CONTROL.search(text), path.name
        html = md.render(text)
        assert html.count("<h1>") == 1, path.name
        for tag in ("<a ", "<img", "<script", "<iframe"):
            assert tag not in html, (path.name, tag)
        assert html.count("<strong>") == 1, path.name  # the one real total
        assert text.count("\n# ") == 0 and text.startswith("# Feedback for "), path.name


def test_student_strings_are_inert_in_csv_and_the_gradebook(corpus_run: dict) -> None:
    assert corpus_run["csv"].returncode == 0, corpus_run["csv"].stderr
    with corpus_run["csv_path"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == len(corpus_run["students"]) + 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), cell[:80]
    with sqlite3.connect(corpus_run["db"]) as con:
        for table, cols in (
            ("submissions", "student, repository, problem, tamper_detail, basis"),
            ("lessons", "message"),
            ("tests", "message"),
        ):
            for row in con.execute(f"SELECT {cols} FROM {table}"):
                for cell in row:
                    assert not _CONTROL.search(str(cell)), (table, str(cell)[:120])


def test_feedback_files_never_collide(corpus_run: dict) -> None:
    folder = corpus_run["feedback_dir"]
    with (folder / "index.csv").open(encoding="utf-8", newline="") as fh:
        index = list(csv.DictReader(fh))
    files = [r["file"] for r in index]
    assert len(files) == len(set(f.casefold() for f in files)) == len(corpus_run["students"])
    assert {p.name for p in folder.glob("*.md")} == set(files)
    for row in index:  # each file is about its own student
        head = (folder / row["file"]).read_text("utf-8").splitlines()[0]
        from grader import untrusted

        want = row["student"][1:] if row["student"].startswith("'") else row["student"]
        assert head == "# Feedback for " + untrusted.markdown(want, 120), head


def test_deadlines_are_decided_by_the_records(corpus_run: dict) -> None:
    with sqlite3.connect(corpus_run["db"]) as con:
        rows = {
            r[0]: r[1:] for r in con.execute("SELECT student, basis, date_flags FROM submissions")
        }
    for e in ENTRIES:
        if e.name not in corpus_run["runnable"]:
            continue
        basis, flags = rows[e.shown]
        if e.redirect:  # no head of its own to go by: graded from its files, and flagged
            assert basis == "its own files (git refused)", (e.name, basis)
            continue
        assert basis.startswith("collected "), (e.name, basis)
        want = (
            str(e.deadline.get("flag", ""))
            if e.deadline
            else ("after it was first seen" if e.future else "")
        )
        if want:
            assert want in flags, (e.name, flags)
        else:
            assert flags == "", (e.name, flags)


def test_redirected_repositories_are_flagged_and_never_recorded(corpus_run: dict) -> None:
    """Graded from the folder's own files (the stub, test_attack_is_contained), flagged in
    the gradebook and on the terminal, and `collect` records no head for them."""
    with sqlite3.connect(corpus_run["db"]) as con:
        rows = {
            r[0]: r[1:]
            for r in con.execute("SELECT student, tampered, tamper_detail FROM submissions")
        }
        recorded = {r[0] for r in con.execute("SELECT DISTINCT student FROM snapshots")}
    redirected = [e for e in ENTRIES if e.redirect and e.name in corpus_run["runnable"]]
    assert redirected  # every run grades at least a representative of the intake family
    for e in redirected:
        tampered, detail = rows[e.shown]
        assert tampered == 1 and detail.startswith("git: ") and e.flag in detail, (e.name, detail)
        assert e.shown not in recorded, e.name
        assert f"{e.shown}: not recorded: " in corpus_run["collect"].stdout, e.name
        line = next(
            ln for ln in corpus_run["proc"].stdout.splitlines() if ln.startswith(e.shown + " @ ")
        )
        assert "TAMPERED: git: " in line, line
    assert "control-solutions" in recorded


def test_caps_hold_for_all_processes_of_a_worker(corpus_run: dict) -> None:
    from grader.grading import sandbox

    level = corpus_run["level"]
    caps = sandbox.caps_level(level)
    assert f"capped by {caps}" in corpus_run["proc"].stdout
    assert corpus_run["memory"], "the sampler saw no worker"
    if caps == "per-process":
        pytest.skip("no control group and no user of the worker's own here: caps are per process")
    slack = 96 * 1024 * 1024  # the bwrap process and sampling lag
    worst = max(corpus_run["memory"].values())
    assert worst <= WORKER_MEMORY_MB * 1024 * 1024 + slack, worst
    limit = sandbox.Limits().processes if caps != "one-process" else 1
    assert max(corpus_run["count"].values()) <= limit + 2, corpus_run["count"]
    with sqlite3.connect(corpus_run["db"]) as con:
        got = {r[0] for r in con.execute("SELECT caps FROM submissions")}
        slowest = con.execute("SELECT MAX(duration) FROM submissions").fetchone()[0]
    assert got == {caps}
    assert slowest <= SUBMISSION_TIMEOUT + 15, slowest


def test_run_is_bounded_leaves_nothing_and_changes_nothing(corpus_run: dict) -> None:
    assert corpus_run["elapsed"] < RUN_BOUND, corpus_run["elapsed"]
    assert corpus_run["strays"] == []
    assert corpus_run["changed"] == [], "the instructor's course copy was modified"
    assert not corpus_run["connected"], "a worker reached a port on the grader's machine"


def test_full_course_solutions_score_everything_and_stubs_nothing(
    tmp_path: Path, level: str
) -> None:
    """Every complete lesson, visible and hidden suites, through the sandboxed worker."""
    root = tmp_path / "course"
    lessons = make_course(root, None)
    files = runs.test_files(lessons, hidden=True)
    assert len(files) >= 2 * len(lessons)
    batch = tmp_path / "batch"
    for name in CONTROLS:
        write_submission(batch / name, lessons, None, 0)
    (tmp_path / "tmp").mkdir()
    db = tmp_path / "gradebook.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(db)]
        + ["--timeout", "20", "--jobs", "2"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=grade_env(tmp_path / "tmp", TAGS["full"]),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    got = points(db)
    assert got["control-solutions"] == {e.id: float(e.points) for e in lessons}, proc.stdout
    assert got["control-stubs"] == {e.id: 0.0 for e in lessons}
    with sqlite3.connect(db) as con:
        ran = con.execute("SELECT COUNT(*), SUM(hidden) FROM tests").fetchone()
        levels = {r[0] for r in con.execute("SELECT isolation FROM submissions")}
    assert ran[0] > 4 * len(lessons) and ran[1] > 0
    assert levels == {level}
    assert gone(TAGS["full"]) == []
