"""Bad input to `hexahype grade`: each broken submission gets a one-line reason in the report,
and the batch goes on (a correct submission graded in the same batch gets every point).

The course is a temporary copy of the instructor's with lesson 1.1 only.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader import manifest

KIT = Path(__file__).resolve().parents[2]
LESSON = "1.1"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "S",
        "GIT_AUTHOR_EMAIL": "s@example.org",
        "GIT_COMMITTER_NAME": "S",
        "GIT_COMMITTER_EMAIL": "s@example.org",
        "GIT_AUTHOR_DATE": "2030-01-01T12:00:00Z",
        "GIT_COMMITTER_DATE": "2030-01-01T12:00:00Z",
    }
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("badinput")
    root = work / "course"
    live = manifest.load(KIT)
    lesson = live.get(LESSON)
    for name in ("course.toml", "pyproject.toml"):
        _copy(KIT / name, root / name)
    shutil.copytree(
        KIT / "grader", root / "grader", ignore=shutil.ignore_patterns("__pycache__", "tests")
    )
    for path in (lesson.exercise_path, lesson.solution_path, lesson.test_path):
        _copy(path, root / path.relative_to(KIT))
    if lesson.hidden_test_path.exists():
        _copy(lesson.hidden_test_path, root / lesson.hidden_test_path.relative_to(KIT))
    init = KIT / "exercises" / lesson.package / "__init__.py"
    _copy(init, root / "exercises" / lesson.package / "__init__.py")
    return {"work": work, "root": root, "lesson": lesson}


def module_path(base: Path, lesson: manifest.Lesson) -> Path:
    return base / lesson.exercise_path.relative_to(KIT)


def solution(lesson: manifest.Lesson) -> str:
    return lesson.solution_path.read_text(encoding="utf-8")


# name -> (how to build the submission in a folder, a phrase its report line must hold)
def build(name: str, dest: Path, lesson: manifest.Lesson) -> None:
    target = module_path(dest, lesson)
    target.parent.mkdir(parents=True, exist_ok=True)
    if name == "good":
        target.write_text(solution(lesson))
    elif name == "missing-module":
        (target.parent / "notes.txt").write_text("nothing here yet")
    elif name == "syntax-error":
        target.write_text(solution(lesson) + "\ndef broken(:\n    pass\n")
    elif name == "wrong-signature":
        text = solution(lesson)
        for task in lesson.tasks:
            text += f"\n\ndef {task}():\n    return None\n"
        target.write_text(text)
    elif name == "non-utf8":
        target.write_bytes(solution(lesson).encode() + b"\n# \xff\xfe latin-1 \xe9\n")
    elif name == "huge-file":
        target.write_text(solution(lesson) + "\n" + ("# padding\n" * 40000))
    elif name == "binary-file":
        target.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    elif name == "symlink-out":
        target.symlink_to("/etc/passwd")
    elif name == "symlink-in-git":
        target.symlink_to("/etc/hostname")
        git(dest, "init", "-q")
        git(dest, "add", "-A")
        git(dest, "commit", "-q", "-m", "link")
    elif name == "empty-repository":
        git(dest, "init", "-q")
    elif name == "import-error":
        target.write_text(solution(lesson) + "\nimport this_module_does_not_exist\n")
    else:  # pragma: no cover
        raise AssertionError(name)


CASES = {
    "missing-module": "is missing",
    "syntax-error": "syntax error",
    "wrong-signature": "TypeError",
    "non-utf8": "not UTF-8 text",
    "huge-file": "byte cap",
    "binary-file": "binary file",
    "symlink-out": "not a regular file",
    "symlink-in-git": "not a regular file",
    "empty-repository": "has no commit",
    "import-error": "ModuleNotFoundError",
}


def grade(root: Path, batch: Path, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "HEXAHYPE_"))}
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", "grade", str(batch), "--gradebook", str(db)]
        + ["--timeout", "10", "--jobs", "2", "--max-file-kb", "64", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )


@pytest.fixture(scope="module")
def report(setup: dict) -> dict:
    batch = setup["work"] / "batch"
    for name in ["good", *CASES]:
        (batch / name).mkdir(parents=True)
        (batch / name / "exercises").mkdir()
        build(name, batch / name, setup["lesson"])
    db = setup["work"] / "gradebook.sqlite"
    proc = grade(setup["root"], batch, db)
    lines = {}
    for line in proc.stdout.splitlines():
        head = line.split(" ", 1)[0].rstrip(":")
        lines[head] = line
    return {"proc": proc, "lines": lines, "db": db}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_submission_gets_one_line_reason(name: str, report: dict) -> None:
    line = report["lines"].get(name)
    assert line is not None, report["proc"].stdout + report["proc"].stderr
    assert CASES[name] in line, line
    assert "\n" not in line and len(line) < 1500
    with sqlite3.connect(report["db"]) as con:
        row = con.execute(
            "SELECT l.points FROM lessons l JOIN submissions s ON s.id = l.submission_id "
            "WHERE s.student = ?",
            (name,),
        ).fetchone()
    assert row is None or row[0] == 0.0  # unreadable ones are not recorded at all


def test_the_batch_goes_on(report: dict, setup: dict) -> None:
    proc = report["proc"]
    assert proc.returncode == 1  # some submissions were unreadable
    assert "Traceback" not in proc.stdout + proc.stderr
    with sqlite3.connect(report["db"]) as con:
        got = con.execute(
            "SELECT l.points FROM lessons l JOIN submissions s ON s.id = l.submission_id "
            "WHERE s.student = 'good'"
        ).fetchone()
    assert got == (float(setup["lesson"].points),)


def test_bad_deadline_and_commit(setup: dict) -> None:
    batch = setup["work"] / "dated"
    repo = batch / "repo"
    (repo / "exercises").mkdir(parents=True)
    build("good", repo, setup["lesson"])
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "work")
    plain = batch / "no-git"
    (plain / "exercises").mkdir(parents=True)
    build("good", plain, setup["lesson"])
    db = setup["work"] / "dated.sqlite"
    early = grade(setup["root"], batch, db, "--deadline", "2000-01-01T00:00:00")
    assert "no record of this repository" in early.stdout, early.stdout
    assert "--commit and --deadline need a git repository" in early.stdout
    # nothing was graded: a line that never reads like a grade
    assert "repo: not graded: no record of this repository" in early.stdout, early.stdout
    assert "no-git: not graded: --commit and --deadline" in early.stdout
    assert "no commit" not in early.stdout and " points" not in early.stdout
    for bad in ("0123456789abcdef0123", "HEAD", "main", "not a date ~^:"):
        proc = grade(setup["root"], repo, db, "--at", bad)
        assert proc.returncode == 2, (bad, proc.stdout + proc.stderr)
        assert "not a full commit id" in proc.stderr or "is not a date" in proc.stderr, bad
        assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    missing = grade(setup["root"], repo, db, "--commit", "0" * 40)
    assert "is not in this repository" in missing.stdout, missing.stdout
    assert "Traceback" not in early.stderr + missing.stderr


# -- a repository that reaches outside its folder (property: points from the own files only) ---
def _repo(path: Path, text: str) -> Path:
    path.mkdir(parents=True)
    (path / "work.txt").write_text(text, encoding="utf-8")
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", text)
    return path


def _reach(kind: str, mine: Path, theirs: Path) -> None:
    """Make `mine`'s repository reach `theirs` one way (every way git allows)."""
    dot, other = mine / ".git", theirs / ".git"
    cfg = dot / "config"
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=theirs, capture_output=True, text=True, check=True
    ).stdout.strip()
    if kind in ("gitdir", "symlink"):
        shutil.rmtree(dot)
        if kind == "symlink":
            dot.symlink_to(other)
        else:
            dot.write_text(f"gitdir: {other}\n")
    elif kind in ("alternates", "http-alternates"):
        (dot / "objects" / "info" / kind).write_text(f"{other / 'objects'}\n")
        (dot / "refs" / "heads" / "main").write_text(head + "\n")
    elif kind == "commondir":
        (dot / "commondir").write_text(f"{other}\n")
    elif kind == "worktree-gitdir":
        (dot / "gitdir").write_text(f"{other}\n")
    elif kind == "grafts":
        (dot / "info").mkdir(exist_ok=True)
        (dot / "info" / "grafts").write_text(head + "\n")
    elif kind == "symlinked-refs":
        shutil.rmtree(dot / "refs")
        (dot / "refs").symlink_to(other / "refs")
    elif kind == "symlinked-head":
        (dot / "HEAD").unlink()
        (dot / "HEAD").symlink_to(other / "HEAD")
    elif kind == "fifo":
        os.mkfifo(dot / "packed-refs")
    elif kind == "include":
        cfg.write_text(cfg.read_text() + f"[include]\n\tpath = {other / 'config'}\n")
    elif kind == "includeif":
        cfg.write_text(cfg.read_text() + f'[includeIf "gitdir:/"]\n\tpath = {other / "config"}\n')
    elif kind == "promisor":
        cfg.write_text(cfg.read_text() + f'[remote "o"]\n\turl = {theirs}\n\tpromisor = true\n')
    elif kind == "worktree":
        cfg.write_text(cfg.read_text() + f"[core]\n\tworktree = {theirs}\n")
    else:
        raise AssertionError(kind)


REACHES = (
    "gitdir",
    "symlink",
    "alternates",
    "http-alternates",
    "commondir",
    "worktree-gitdir",
    "grafts",
    "symlinked-refs",
    "symlinked-head",
    "fifo",
    "include",
    "includeif",
    "promisor",
    "worktree",
)


@pytest.mark.parametrize("kind", REACHES)
def test_a_repository_reaching_outside_is_never_read_through_git(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.grading import sources
    from grader.grading.insight import similarity

    theirs = _repo(tmp_path / "batch" / "bob", "bob's solution")
    mine = _repo(tmp_path / "batch" / "mallory", "mallory's stub")
    _reach(kind, mine, theirs)
    # the grader's own environment never points git anywhere either
    monkeypatch.setenv("GIT_DIR", str(theirs / ".git"))
    monkeypatch.setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", str(theirs / ".git" / "objects"))
    with pytest.raises(sources.Redirected) as caught:
        sources.own_repository(mine, tmp_path / "private")
    assert "\n" not in str(caught.value) and str(caught.value), caught.value
    # the similarity check reads the folder's own files, and says why
    course = manifest.load(KIT)
    lesson = course.get(LESSON)
    rel = lesson.exercise_path.relative_to(course.root)
    for repo, text in ((theirs, "bob's solution"), (mine, "mallory's stub")):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(f"def f():\n    return {text!r}\n")
    if kind not in ("gitdir", "symlink"):  # bob's committed file is what git would show
        git(theirs, "add", "-A")
        git(theirs, "commit", "-q", "-m", "more")
    code, problems = similarity.read_code(course, [str(tmp_path / "batch")], [lesson], {})
    assert "mallory's stub" in code[LESSON]["mallory"], code
    assert any(p.startswith("mallory: flagged: git: ") for p in problems), problems


def test_an_own_repository_is_read_at_its_own_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: a self-contained repository opens, whatever GIT_* the grader's
    environment holds, and its copy has the grader's configuration, not the student's."""
    from grader.grading import sources

    theirs = _repo(tmp_path / "bob", "bob")
    mine = _repo(tmp_path / "alice", "alice")
    monkeypatch.setenv("GIT_DIR", str(theirs / ".git"))
    monkeypatch.setenv("GIT_OBJECT_DIRECTORY", str(theirs / ".git" / "objects"))
    mine_head = subprocess.run(
        ["git", "--git-dir", str(mine / ".git"), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with sources.opened(mine) as repo:
        assert sources.head(repo) == mine_head
        source = sources.Source(mine, mine_head, repo=repo)
        assert source.read("work.txt", 100) == b"alice"
        assert "include" not in (repo / "config").read_text()


def test_files_read_ahead_in_one_git_call_are_the_files_read_one_by_one(tmp_path: Path) -> None:
    """`Source.prefetch` (one `git cat-file --batch` for the tamper check and the staging)
    gives the very bytes `read` gives file by file: binary, empty, with newlines at the ends,
    and leaves what is over a cap, a link or missing to `read`, which refuses it alone."""
    from grader.grading import sources

    repo = _repo(tmp_path / "alice", "alice")
    contents = {
        "a.py": b"print('a')\n",
        "empty.txt": b"",
        "bin.dat": bytes(range(256)) * 3 + b"\n\n",
        "big.txt": b"x" * 5000,
        "dir/nested.py": b"\nfirst\r\nlast\n",
    }
    for rel, data in contents.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(data)
    (repo / "link.py").symlink_to("a.py")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "files")
    with sources.opened(repo) as own:
        head = sources.head(own)
        one_by_one = sources.Source(repo, head, repo=own)
        ahead = sources.Source(repo, head, repo=own)
        ahead.prefetch([*contents, "link.py", "missing.py"], limit=4096)
        assert set(ahead._blobs) == set(contents) - {"big.txt"}
        for rel in [*contents, "work.txt"]:
            assert (
                ahead.read(rel, 8192) == one_by_one.read(rel, 8192) == (contents.get(rel, b"alice"))
            ), rel
        for rel, why in (("big.txt", "over the 4096-byte cap"), ("link.py", "not a regular")):
            with pytest.raises(sources.SourceError, match=why):
                ahead.read(rel, 4096)
        too_much = sources.Source(repo, head, repo=own)
        too_much.prefetch(list(contents), limit=8192, total=1000)  # over the total: nothing
        assert not too_much._blobs
