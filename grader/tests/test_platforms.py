"""The platforms the kit grades through, run for real and offline: Classroom 50, Gradescope,
`hexahype grade` on a `gh teacher download` folder, and nbgrader.

Everything runs on a snapshot of the kit with two lessons (1.1 and 1.3, the second with one
extra hidden test holding canaries). Five submissions (untouched, partial, complete, a syntax
error, an infinite loop) are graded by `hexahype grade`, and those of them that test_parity.py's
whole-course batch and test_nbgrader.py's parity do not stand for by Classroom 50, Gradescope
and nbgrader (`C50_STUDENTS`, `GS_STUDENTS`, `NB_STUDENTS`), so four ways in all:

- `hexahype grade` on the folder `gh teacher download` writes, writing `scores.csv` back;
- the Classroom 50 autograder (`autograder.py` of the config-repository bundle) in each
  student's checkout; its `result.json` is validated against a schema written here from the
  documented contract of `classroom50/result/v1` (foundation50/classroom50
  `schemas/result-v1.schema.json` at commit 6e593c79b87c99f94fec2ae0badadba761360516 and the
  wiki's Advanced-Autograding page), with the cross-field rule score <= max-score;
- the Gradescope zip, unzipped into a fake /autograder root, `setup.sh` (offline: it uses the
  kit's interpreter as it is) and `run_autograder`; `results.json` is validated against the
  fields of gradescope/autograder_samples `docs/specs.md` (commit
  af5dee4cf9b2c930c47dc0e4320c7e5ab2580564);
- nbgrader (`hexahype nbgrader`, `generate_assignment`, `autograde`).

Per lesson, all four give the same points, except that Classroom 50 takes whole points (full
credit only when every check passes, otherwise rounded down): the one documented difference.
The expensive grading is one test, so that pytest-xdist never repeats it; the rest is cheap.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from markdown_it import MarkdownIt

from grader import manifest, workflow
from grader.grading import download
from grader.integrations import classroom50 as c50
from grader.integrations import feedback
from grader.manifest import Course, Lesson
from grader.results import whole_score
from grader.tests.conftest import kit_snapshot
from grader.tests.platform_runs import clean_env, runner_venv, unzip_autograder

KIT = Path(__file__).resolve().parents[2]
LESSONS = ("1.1", "1.3")
TIMEOUT = "3"  # seconds per test on every path, the learner's limit (a hang costs one per lesson)
ORG, CLASSROOM, ASSIGNMENT = "hexahype-org", "llm-2027", "hexahype"
STUDENTS = ("untouched", "partial", "complete", "syntax", "hang")
# The Classroom 50 and Gradescope runs here are the cases test_parity.py does not hold (it
# grades the whole course through both, untouched, solved, a syntax error and a hang among its
# submissions, and demands the same points): the canaries and hostile strings of "partial" and
# Classroom 50's whole points for its partial credit, the messages of a syntax error and a
# hang, a module that exits at import ("crash"), and Gradescope's two other upload forms (the
# changed files alone, "partial"; a zip of the repository folder, "complete").
C50_STUDENTS = ("partial", "syntax", "hang")
GS_STUDENTS = ("partial", "complete")
# nbgrader grades the submissions whose notebooks differ from test_nbgrader.py's (which compares
# nbgrader with the kit on the solutions, the stubs and a mix of known mistakes): the canaries
# and hostile strings, a module that does not compile, and a hang
NB_STUDENTS = ("partial", "syntax", "hang")
ABSENT = "absent-student"
CANARY_SOURCE = "HEXAHYPE-CANARY-SOURCE-5f0c2e"
CANARY_MESSAGE = "HEXAHYPE-CANARY-MESSAGE-3a8e61"
CANARY_PARAM = "HEXAHYPE-CANARY-PARAM-7c1d09"
CANARY_DOC = "Checks a merge that only the hidden suite knows."
CANARY_TEST = f'''

@pytest.mark.parametrize("case", ["{CANARY_PARAM}"])
def test_canary_hidden_merge({{fixture}}, case):
    """{CANARY_DOC}"""
    ids = [7, 7, 8, 7, 7]  # {CANARY_SOURCE}
    got = {{fixture}}.merge(ids, (7, 7), 300)
    assert got == [300, 8, 300], f"{CANARY_MESSAGE}: {{case}} gave {{got}}"
'''
EVIL = (
    "<img src=x onerror=alert(1)> \x1b[31mred\x1b[0m [link](javascript:alert(1)) | ``` `x` \u202e"
)
DATETIME = r"^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


# -- the schemas, written from the platforms' documented contracts ---------------------------------
def _at_most_max(validator: Any, enabled: bool, instance: Any, schema: Any) -> Any:
    """score <= max-score, the cross-field rule the contract states and JSON Schema cannot."""
    if enabled and isinstance(instance, dict):
        got, most = instance.get("score"), instance.get("max-score")
        if isinstance(got, int) and isinstance(most, int) and got > most:
            yield ValidationError(f"score {got} is over max-score {most}")


Classroom50Validator = jsonschema.validators.extend(
    Draft202012Validator, {"scoreAtMostMaxScore": _at_most_max}
)
_STRING = {"type": "string", "minLength": 1}
_POINTS = {"type": "integer", "minimum": 0}
RESULT_V1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "classroom50/result/v1, as documented (see the module docstring)",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "schema",
        "classroom",
        "assignment",
        "assignment_type",
        "owner",
        "submission",
        "commit",
        "release",
        "review",
        "datetime",
        "score",
        "max-score",
        "tests",
    ],
    "scoreAtMostMaxScore": True,
    "properties": {
        "schema": {"const": "classroom50/result/v1"},
        "classroom": _STRING,
        "assignment": _STRING,
        "assignment_type": {"enum": ["individual", "group", "team"]},
        "owner": _STRING,
        "submission": {"type": "string", "pattern": "^submit/"},
        "commit": _STRING,
        "release": _STRING,
        "review": _STRING,
        "datetime": {"type": "string", "pattern": DATETIME},
        "graded_at": {"type": "string", "pattern": DATETIME},
        "score": _POINTS,
        "max-score": _POINTS,
        "tests": {"type": "array", "items": {"$ref": "#/$defs/test"}},
        "submitted_by": {
            "type": "object",
            "additionalProperties": False,
            "required": ["username"],
            "properties": {"username": _STRING, "id": {"type": ["integer", "null"]}},
        },
    },
    "$defs": {
        "test": {
            "type": "object",
            "additionalProperties": True,  # extra keys such as output are kept
            "required": ["test-name", "passed", "score", "max-score"],
            "scoreAtMostMaxScore": True,
            "properties": {
                "test-name": _STRING,
                "passed": {"type": "boolean"},
                "score": _POINTS,
                "max-score": _POINTS,
            },
        }
    },
}
TESTS_V1 = {  # classroom50/tests/v1: the envelope of a `tests` array
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["schema", "tests"],
    "properties": {
        "schema": {"const": "classroom50/tests/v1"},
        "tests": {"type": "array", "maxItems": 100, "items": {"$ref": "#/$defs/test"}},
    },
    "$defs": {
        "test": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "type", "run"],
            "properties": {
                "name": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 100,
                    "pattern": "^[^\\u0000-\\u001f\\u007f]+$",
                },
                "type": {"enum": ["io", "run", "python"]},
                "setup": {"type": "string"},
                "run": {"type": "string", "minLength": 1},
                "timeout": {"type": "integer", "minimum": 0, "maximum": 600},
                "points": {"type": "integer", "minimum": 0, "maximum": 1000},
                "failure-details": {"enum": ["full", "actual-only", "none"]},
                "show-output": {"type": "boolean"},
                "show-command": {"type": "boolean"},
                "input": {"type": "string"},
                "expected": {"type": "string"},
                "comparison": {"enum": ["included", "exact", "regex"]},
                "exit-code": {"type": "integer", "minimum": 0, "maximum": 255},
            },
        }
    },
}
_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
GRADESCOPE_RESULTS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Gradescope results.json, as docs/specs.md documents it",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": _FORMAT,
        "test_output_format": _FORMAT,
        "test_name_format": _FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {"$ref": "#/$defs/test"}},
        "leaderboard": {"type": "array"},
    },
    "anyOf": [
        {"required": ["score"]},
        {"required": ["tests"], "properties": {"tests": {"items": {"required": ["score"]}}}},
    ],
    "$defs": {
        "test": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": _FORMAT,
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": _FORMAT,
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": _VISIBILITY,
                "extra_data": {"type": "object"},
            },
        }
    },
}


def check_result(doc: Any) -> None:
    Classroom50Validator(RESULT_V1).validate(doc)
    assert doc["score"] == sum(t["score"] for t in doc["tests"])
    assert doc["max-score"] == sum(t["max-score"] for t in doc["tests"])


def test_schemas_reject_what_the_contract_forbids() -> None:
    """The schemas can fail: each broken document is refused, the good one is not."""
    good = {
        "schema": "classroom50/result/v1",
        "classroom": "c",
        "assignment": "a",
        "assignment_type": "individual",
        "owner": "alice",
        "submission": "submit/2027-01-10T12-00-00Z-abc1234",
        "commit": "https://x/commit/1",
        "release": "https://x/r",
        "review": "https://x/c",
        "datetime": "2027-01-10T12:00:00Z",
        "graded_at": "2027-01-10T12:01:00Z",
        "score": 3,
        "max-score": 10,
        "tests": [
            {"test-name": "1.3 Byte pair encoding", "passed": False, "score": 3, "max-score": 10}
        ],
    }
    check_result(good)
    broken = [
        {**good, "extra": 1},
        {**good, "score": 11},
        {**good, "score": 2.5},
        {**good, "submission": "v1"},
        {**good, "datetime": "2027-01-10 12:00:00"},
        {**good, "assignment_type": "solo"},
        {**good, "tests": [{**good["tests"][0], "score": 12}]},
        {**good, "tests": [{"test-name": "x", "passed": True, "score": 1}]},
        {k: v for k, v in good.items() if k != "owner"},
    ]
    for doc in broken:
        with pytest.raises(ValidationError):
            Classroom50Validator(RESULT_V1).validate(doc)
    Draft202012Validator(GRADESCOPE_RESULTS).validate({"tests": [{"score": 1, "name": "x"}]})
    for doc in (
        {"tests": [{"name": "x"}]},
        {"score": 1, "tests": [{"visibility": "soon"}]},
        {"score": 1, "colour": "red"},
    ):
        with pytest.raises(ValidationError):
            Draft202012Validator(GRADESCOPE_RESULTS).validate(doc)


# -- the kit snapshot -----------------------------------------------------------------------------
@dataclass
class Kit:
    root: Path
    course: Course

    def lesson(self, lesson_id: str) -> Lesson:
        return self.course.get(lesson_id)

    @property
    def lessons(self) -> list[Lesson]:
        return [self.course.get(i) for i in LESSONS]


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    live = manifest.load(KIT)
    root = kit_snapshot(tmp_path_factory.mktemp("kit"), [live.get(i) for i in LESSONS])
    course = manifest.load(root)
    bpe = course.get("1.3")
    with open(bpe.hidden_test_path, "a", encoding="utf-8") as fh:
        fh.write("\n" + CANARY_TEST.replace("{fixture}", bpe.fixture))
    return Kit(root, course)


def hexahype(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
        env=env or _env(),
    )


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "HEXAHYPE_"))}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PIP_NO_INDEX"] = "1"  # the bundle's pip must find everything installed already
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def _runner(built: Path) -> str:
    """The platform's interpreter: a fresh virtualenv of the system Python with the bundle's
    requirements.txt (never the dev virtualenv; CONTRIBUTING, "Shipped things are tested as
    shipped")."""
    bundle_dir = c50.bundle_folder(built, CLASSROOM, ASSIGNMENT)
    return str(runner_venv(bundle_dir / "requirements.txt"))


def _platform_env(**extra: str) -> dict[str, str]:
    return clean_env(**extra)


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", "-c", "user.name=Student", "-c", "user.email=s@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


@pytest.fixture(scope="module")
def built(kit: Kit, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`hexahype classroom50 OUT/` of the snapshot."""
    out = tmp_path_factory.mktemp("c50") / "out"
    proc = hexahype(
        kit.root,
        "classroom50",
        str(out),
        "--org",
        ORG,
        "--classroom",
        CLASSROOM,
        "--assignment",
        ASSIGNMENT,
        "--due",
        "2027-01-15T23:59:00Z",
        "--timeout",
        TIMEOUT,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


# -- the five submissions ---------------------------------------------------------------------------
def _solution(lesson: Lesson) -> str:
    return lesson.solution_path.read_text(encoding="utf-8")


def submission_modules(kit: Kit) -> dict[str, dict[str, str]]:
    """student -> {exercise file (relative to the root): its text}."""
    numbers, bpe = kit.lesson("1.1"), kit.lesson("1.3")
    bank = KIT / "grader" / "tests" / "misconceptions" / bpe.package / bpe.name
    goldens = KIT / "grader" / "tests" / "goldens"
    hang = _solution(bpe) + "".join(
        f"\n\ndef {task}(*args, **kwargs):\n    while True:  # never ends\n        pass\n"
        for task in bpe.tasks
    )
    evil = _solution(numbers) + (
        f"\n\ndef decode_chars(*args, **kwargs):\n    raise ValueError({EVIL!r})\n"
    )
    rel = {e.id: e.exercise_path.relative_to(kit.root).as_posix() for e in kit.lessons}
    return {
        "untouched": {},
        "partial": {
            rel["1.1"]: evil,
            rel["1.3"]: _solution(bpe) + "\n\n" + (bank / "merge_first_only.py").read_text(),
        },
        "complete": {rel[i]: _solution(kit.lesson(i)) for i in LESSONS},
        "syntax": {
            rel["1.1"]: _solution(numbers),
            rel["1.3"]: (goldens / "syntax_error" / "overlay" / rel["1.3"]).read_text(),
        },
        "hang": {rel["1.1"]: _solution(numbers), rel["1.3"]: hang},
    }


def _impl_dir(kit: Kit, modules: dict[str, str], dest: Path) -> Path:
    """An exercises/-style folder: the stubs with the student's modules over them."""
    shutil.copytree(kit.root / "exercises", dest)
    for rel, text in modules.items():
        (dest / Path(rel).relative_to("exercises")).write_text(text, encoding="utf-8")
    return dest


@dataclass
class Submissions:
    download: Path  # what `gh teacher download` writes
    repos: dict[str, Path]
    tags: dict[str, str]
    modules: dict[str, dict[str, str]]
    crash: Path  # Classroom 50 only: 1.1 ends the process at import, 1.3's file is deleted


def _student_repo(template: Path, repo: Path, modules: dict[str, str | None], when: str) -> str:
    shutil.copytree(template, repo)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Initial commit", "--date", "2027-01-05T09:00:00Z")
    (repo / ".classroom50.yaml").write_text(f"classroom: {CLASSROOM}\n")
    (repo / ".github" / "workflows" / "autograde.yaml").write_text("name: Autograde\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Accept", "--date", "2027-01-05T09:01:00Z")
    for rel, text in modules.items():
        if text is None:
            (repo / rel).unlink()
        else:
            (repo / rel).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    env = {**os.environ, "GIT_COMMITTER_DATE": when}
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Student",
            "-c",
            "user.email=s@example.com",
            "commit",
            "-qm",
            "My work",
            "--allow-empty",
            "--date",
            when,
        ],
        cwd=repo,
        env=env,
        check=True,
    )
    sha = _git(repo, "rev-parse", "HEAD")
    tag = f"submit/{when.replace(':', '-')}-{sha[:7]}"
    _git(repo, "tag", tag)
    return tag


@pytest.fixture(scope="module")
def submissions(kit: Kit, built: Path, tmp_path_factory: pytest.TempPathFactory) -> Submissions:
    folder = tmp_path_factory.mktemp("download") / f"{CLASSROOM}-{ASSIGNMENT}_submissions"
    folder.mkdir()
    modules = submission_modules(kit)
    repos, tags = {}, {}
    rows = []
    for i, student in enumerate(STUDENTS):
        repo = folder / f"{CLASSROOM}-{ASSIGNMENT}-{student}"
        when = f"2027-01-1{i}T12:00:00Z"
        tags[student] = _student_repo(built / "template", repo, modules[student], when)
        repos[student] = repo
        review = f"https://github.com/{ORG}/{repo.name}/compare/a...b"
        rows.append([student, "", "", "", "", "7", "20", when, tags[student], student, review])
        rows[-1] += ["false", "false"]
        if student == "partial":  # an older attempt, newest first
            old = "submit/2027-01-01T08-00-00Z-0000000"
            rows.append([student, "", "", "", "", "1", "20", "2027-01-01T08:00:00Z", old])
            rows[-1] += [student, review + "-old", "false", "false"]
    rows.append([ABSENT, "Ab", "Sent", "", "", "", "", "", "", "", "", "", ""])
    crash = folder.parent / "crash"
    rel = {e.id: e.exercise_path.relative_to(kit.root).as_posix() for e in kit.lessons}
    crashing = {rel["1.1"]: "import os\n\nos._exit(3)\n", rel["1.3"]: None}
    _student_repo(built / "template", crash, crashing, "2027-01-14T12:00:00Z")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([list(download.COLUMNS), *rows])
    (folder / download.SCORES_CSV).write_text(buf.getvalue(), encoding="utf-8")
    return Submissions(folder, repos, tags, modules, crash)


# -- the four paths -------------------------------------------------------------------------------
def _gradebook(db: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """student -> lesson -> {points, passed, total, max_points} (raw SQL)."""
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT s.student, l.lesson, l.points, l.passed, l.total, l.max_points "
            "FROM lessons l JOIN submissions s ON s.id = l.submission_id"
        ).fetchall()
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for student, lesson, points, passed, total, max_points in rows:
        out.setdefault(student, {})[lesson] = {
            "points": points,
            "passed": passed,
            "total": total,
            "max_points": max_points,
        }
    return out


def _classroom50(kit: Kit, built: Path, student: str, repo: Path, work: Path) -> dict[str, Any]:
    checkout = work / f"checkout-{student}"
    subprocess.run(["git", "clone", "-q", str(repo), str(checkout)], check=True)
    entry = c50.bundle_folder(built, CLASSROOM, ASSIGNMENT) / c50.ENTRY
    env = _platform_env(
        CLASSROOM=CLASSROOM,
        ASSIGNMENT=ASSIGNMENT,
        ASSIGNMENT_TYPE="individual",
        OWNER=student,
        SUBMISSION_TAG=f"submit/2027-01-10T12-00-00Z-{student[:7]}",
        COMMIT_URL=f"https://github.com/{ORG}/{repo.name}/commit/HEAD",
        RELEASE_URL=f"https://github.com/{ORG}/{repo.name}/releases/tag/x",
        CLASSROOM50_BUNDLE_DIR=str(entry.parent),
    )
    proc = subprocess.run(
        [_runner(built), str(entry)],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {
        "result": json.loads((checkout / c50.RESULT_FILE).read_text(encoding="utf-8")),
        "body": (checkout / c50.RELEASE_BODY).read_text(encoding="utf-8"),
        "log": proc.stdout + proc.stderr,
    }


def _gradescope(
    kit: Kit,
    zip_path: Path,
    student: str,
    repo: Path,
    modules: dict[str, str],
    work: Path,
    python: str,
) -> dict[str, Any]:
    root = unzip_autograder(zip_path, work / f"autograder-{student}")
    sub = root / "submission"
    if student == "partial":  # an upload of the changed files alone
        sub.mkdir()
        for rel in modules:
            shutil.copy(repo / rel, sub / Path(rel).name)
    elif student == "complete":  # a zip of the repository folder
        shutil.copytree(repo, sub / "hexahype-main", ignore=shutil.ignore_patterns(".git"))
    else:
        shutil.copytree(repo, sub, ignore=shutil.ignore_patterns(".git"))
    env = _platform_env(
        HEXAHYPE_AUTOGRADER_ROOT=str(root), HEXAHYPE_PYTHON=python, HEXAHYPE_SKIP_APT="1"
    )
    setup = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")], capture_output=True, text=True, env=env
    )
    assert setup.returncode == 0, setup.stdout + setup.stderr
    assert "hexahype setup: ready" in setup.stdout
    run = subprocess.run(
        [str(root / "source" / "run_autograder")],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def _nbgrader(course_dir: Path, *args: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        capture_output=True,
        text=True,
        env=_env(),
        timeout=900,
    )
    assert proc.returncode == 0, f"nbgrader {args}: {(proc.stdout + proc.stderr)[-3000:]}"


def _nbgrader_points(
    kit: Kit, modules: dict[str, dict[str, str]], work: Path
) -> dict[str, dict[str, float]]:
    """Per student and lesson, nbgrader's score of the same modules as notebooks. A module that
    does not compile becomes the stubs' notebook with that source in its first answer cell."""
    from nbgrader.api import Gradebook

    from grader import notebooks as nbs
    from grader.integrations.nbgrader import export as nx
    from grader.tests.nbgrader_helpers import fill_notebook

    course_dir = work / "nbgrader"
    export = nx.write_course(kit.course, course_dir)
    assert set(export.notebooks) == set(LESSONS)
    with open(course_dir / "nbgrader_config.py", "a", encoding="utf-8") as fh:
        # the hang's test cell costs one check's limit; each example cell calling it, `other`
        fh.write("\nc.Execute.timeout_func = cell_timeouts(tests=120, other=8)\n")
    (assignment,) = export.assignments
    _nbgrader(course_dir, "generate_assignment", assignment)
    for student in NB_STUDENTS:
        impl = _impl_dir(kit, modules[student], work / f"impl-{student}")
        for lesson in kit.lessons:
            name = nx.notebook_name(lesson)
            released = json.loads(
                (course_dir / "release" / lesson.package / name).read_text(encoding="utf-8")
            )
            try:
                nb = fill_notebook(released, lesson, impl)
            except SyntaxError:
                nb = json.loads(json.dumps(released))
                cells = [c for c in nb["cells"] if c["metadata"].get("hexahype", {}).get("role")]
                module = next(c for c in cells if c["metadata"]["hexahype"]["role"] == "module")
                broken = (impl / lesson.package / lesson.exercise_path.name).read_text()
                module["source"] = broken
            nbs.write(nb, course_dir / "submitted" / student / lesson.package / name)
    _nbgrader(course_dir, "autograde", assignment)
    out: dict[str, dict[str, float]] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        for student in NB_STUDENTS:
            for lesson in kit.lessons:
                sub = gb.find_submission_notebook(
                    nx.notebook_name(lesson)[: -len(".ipynb")], lesson.package, student
                )
                out.setdefault(student, {})[lesson.id] = float(sub.score)
    return out


def _timed_out_cells(kit: Kit, work: Path) -> dict[tuple[str, str], list[str]]:
    """(student, lesson) -> the roles of the cells of nbgrader's autograded notebook that ran
    out of time."""
    from grader.integrations.nbgrader import export as nx

    out: dict[tuple[str, str], list[str]] = {}
    for student in NB_STUDENTS:
        for entry in kit.lessons:
            path = work / "nbgrader" / "autograded" / student / entry.package
            nb = json.loads((path / nx.notebook_name(entry)).read_text(encoding="utf-8"))
            out[(student, entry.id)] = [
                c["metadata"].get("hexahype", {}).get("role", "")
                for c in nb["cells"]
                if any(o.get("ename") == "CellTimeoutError" for o in c.get("outputs", []))
            ]
    return out


@pytest.fixture(scope="module")
def graded(
    kit: Kit, built: Path, submissions: Submissions, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    work = tmp_path_factory.mktemp("graded")
    book, scores = work / "gradebook.sqlite", work / "scores-hexahype.csv"
    proc = hexahype(
        kit.root,
        "grade",
        str(submissions.download),
        "--gradebook",
        str(book),
        "--scores-csv",
        str(scores),
        "--release",
        str(built / "template"),
        "--timeout",
        TIMEOUT,
        "--jobs",
        "2",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    zip_path = work / "autograder.zip"
    made = hexahype(kit.root, "gradescope", str(zip_path), "--timeout", TIMEOUT)
    assert made.returncode == 0, made.stdout + made.stderr
    with ThreadPoolExecutor(max_workers=2) as pool:
        c50_jobs = {
            s: pool.submit(_classroom50, kit, built, s, submissions.repos[s], work)
            for s in C50_STUDENTS
        }
        gs_jobs = {
            s: pool.submit(
                _gradescope,
                kit,
                zip_path,
                s,
                submissions.repos[s],
                submissions.modules[s],
                work,
                _runner(built),
            )
            for s in GS_STUDENTS
        }
        c50_jobs["crash"] = pool.submit(_classroom50, kit, built, "crash", submissions.crash, work)
        nb = _nbgrader_points(kit, submissions.modules, work)
        timed_out = _timed_out_cells(kit, work)
        classroom = {s: job.result() for s, job in c50_jobs.items()}
        gradescope = {s: job.result() for s, job in gs_jobs.items()}
    with sqlite3.connect(book) as con:
        messages = [m for (m,) in con.execute("SELECT message FROM tests")]
    return {
        "kit": _gradebook(book),
        "messages": messages,
        "scores_csv": scores.read_text(encoding="utf-8"),
        "grade_log": proc.stdout,
        "classroom50": classroom,
        "gradescope": gradescope,
        "nbgrader": nb,
        "nbgrader_timed_out": timed_out,
    }


def _gradescope_points(doc: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for row in doc["tests"]:
        lesson = row["tags"][0].split(" ", 1)[1]
        out[lesson] = round(out.get(lesson, 0.0) + row["score"], 2)
    return out


def _check_parity(kit: Kit, graded: dict[str, Any]) -> None:
    kit_points = graded["kit"]
    rows, bad = [], []
    for student in STUDENTS:
        c50_rows = {
            t["test-name"].split(" ", 1)[0]: t
            for t in graded["classroom50"].get(student, {}).get("result", {}).get("tests", [])
        }
        gs = (
            _gradescope_points(graded["gradescope"][student])
            if student in graded["gradescope"]
            else {}
        )
        for lesson in kit.lessons:
            k = kit_points[student][lesson.id]
            whole = whole_score(k["max_points"], k["passed"], k["total"])
            row = (
                student,
                lesson.id,
                k["points"],
                gs.get(lesson.id, k["points"] if student not in GS_STUDENTS else None),
                graded["nbgrader"][student][lesson.id] if student in NB_STUDENTS else k["points"],
                c50_rows[lesson.id]["score"] if student in C50_STUDENTS else whole,
                whole,
            )
            rows.append(row)
            if not (row[2] == row[3] == row[4]) or row[5] != row[6]:
                bad.append(row)
    assert not bad, (
        "(student, lesson, hexahype grade, Gradescope, nbgrader, Classroom 50, whole points):\n"
        + "\n".join(map(str, bad))
    )
    assert set(graded["classroom50"]) == {*C50_STUDENTS, "crash"}
    assert set(graded["gradescope"]) == set(GS_STUDENTS)
    assert set(graded["nbgrader"]) == set(NB_STUDENTS)
    # nbgrader stopped the hang in the examples that call it after the short limit of the
    # cells it does not grade (`cell_timeouts`), and in no other cell or notebook
    timed_out = graded["nbgrader_timed_out"]
    assert timed_out[("hang", "1.3")] and set(timed_out[("hang", "1.3")]) == {"lesson-code"}
    assert not [k for k, roles in timed_out.items() if roles and k != ("hang", "1.3")], timed_out
    points = {(r[0], r[1]): r for r in rows}
    for lesson in kit.lessons:
        assert points[("untouched", lesson.id)][2] == 0
        assert points[("complete", lesson.id)][2] == lesson.points
    assert points[("syntax", "1.3")][2] == 0 and points[("syntax", "1.1")][2] == 10
    assert points[("hang", "1.3")][2] == 0 and points[("hang", "1.1")][2] == 10
    partial = [points[("partial", i)] for i in LESSONS]
    assert all(0 < r[2] < 10 for r in partial), partial
    # the one documented difference: Classroom 50 rounds partial credit down
    assert any(r[5] == math.floor(r[2]) < r[2] for r in partial), partial


def _check_classroom50(kit: Kit, graded: dict[str, Any]) -> None:
    names = [f"{e.id} {e.title}" for e in kit.lessons]
    for student in C50_STUDENTS:
        got = graded["classroom50"][student]
        doc = got["result"]
        check_result(doc)
        assert [t["test-name"] for t in doc["tests"]] == names
        assert doc["owner"] == student and doc["classroom"] == CLASSROOM
        for row in doc["tests"]:
            assert row["passed"] == (row["score"] == row["max-score"])
            assert isinstance(row["output"], str) and row["output"]
        assert f"{doc['score']} / {doc['max-score']} points" in got["body"]
        assert "advisory" in got["body"]
    syntax = {t["test-name"][:3]: t for t in graded["classroom50"]["syntax"]["result"]["tests"]}
    assert "could not be loaded" in syntax["1.3"]["output"]
    assert "SyntaxError" in syntax["1.3"]["output"] or "syntax" in syntax["1.3"]["output"].lower()
    crash = graded["classroom50"]["crash"]["result"]  # the autograder still exited 0
    check_result(crash)
    assert crash["score"] == 0 and [t["score"] for t in crash["tests"]] == [0, 0]
    assert "is missing" in crash["tests"][1]["output"], crash["tests"][1]
    hang = {t["test-name"][:3]: t for t in graded["classroom50"]["hang"]["result"]["tests"]}
    assert "timed out" in hang["1.3"]["output"] or "time" in hang["1.3"]["output"]


def _check_gradescope(kit: Kit, graded: dict[str, Any]) -> None:
    for student in GS_STUDENTS:
        doc = graded["gradescope"][student]
        Draft202012Validator(GRADESCOPE_RESULTS).validate(doc)
        # hidden rows are shown after the due date: no top-level score reveals their points
        assert "score" not in doc, doc.get("score")
        assert doc["output_format"] == "text" and doc["stdout_visibility"] == "hidden"
        by_lesson: dict[str, list[dict]] = {}
        for row in doc["tests"]:
            by_lesson.setdefault(row["tags"][0], []).append(row)
            assert row["output_format"] == "text"
            assert row["status"] in ("passed", "failed")
        assert list(by_lesson) == [f"lesson {e.id}" for e in kit.lessons]
        for lesson in kit.lessons:
            visible, hidden = by_lesson[f"lesson {lesson.id}"]
            assert visible["visibility"] == "visible" and "visible" in visible["tags"]
            assert hidden["visibility"] == "after_due_date" and "hidden" in hidden["tags"]
            assert round(visible["max_score"] + hidden["max_score"], 2) == lesson.points
        # the top-level output, visible at once, names the visible points only
        visible_points = round(
            sum(r["score"] for r in doc["tests"] if r["visibility"] == "visible"), 2
        )
        assert f"{visible_points:g} / " in doc["output"]
    complete = graded["gradescope"]["complete"]
    assert sum(r["score"] for r in complete["tests"]) == 20
    assert all(r["status"] == "passed" for r in complete["tests"])


def _student_texts(graded: dict[str, Any]) -> dict[str, str]:
    texts = {}
    for student in [*C50_STUDENTS, "crash"]:
        c = graded["classroom50"][student]
        texts[f"{student} release-body.md"] = c["body"]
        texts[f"{student} result.json"] = json.dumps(c["result"], ensure_ascii=False)
        texts[f"{student} autograder log"] = c["log"]
        if student in graded["gradescope"]:
            texts[f"{student} results.json"] = json.dumps(
                graded["gradescope"][student], ensure_ascii=False
            )
    return texts


def _check_feedback_is_safe(kit: Kit, graded: dict[str, Any]) -> None:
    # the canary did fail with its message: the instructor's gradebook has it
    assert any(CANARY_MESSAGE in m for m in graded["messages"])
    assert any("onerror" in m for m in graded["messages"])
    hidden_src = kit.lesson("1.3").hidden_test_path.read_text(encoding="utf-8")
    public = "\n".join(
        p.read_text(encoding="utf-8")
        for e in kit.lessons
        for p in (e.test_path, e.exercise_path, e.solution_path)
    )
    secret_lines = [
        s.strip()
        for s in hidden_src.splitlines()
        if len(s.strip()) >= 30
        and s.strip() not in public
        and not s.strip().startswith(("def ", '"""', "#"))
    ]
    assert secret_lines
    for where, text in _student_texts(graded).items():
        for canary in (CANARY_SOURCE, CANARY_MESSAGE, CANARY_PARAM):
            assert canary not in text, (where, canary)
        leaked = [line for line in secret_lines if line in text]
        assert not leaked, (where, leaked[:3])
        assert "\x1b" not in text and "\u202e" not in text, where
    partial_body = graded["classroom50"]["partial"]["body"]
    assert "test_canary_hidden_merge" in partial_body and CANARY_DOC in partial_body
    outputs = " ".join(r["output"] for r in graded["gradescope"]["partial"]["tests"])
    assert "test_canary_hidden_merge" in outputs and CANARY_DOC in outputs
    # a student's string is inert in the release body's markdown
    html = MarkdownIt("commonmark").enable("table").render(partial_body)
    assert "onerror" in html and "<img" not in html and 'href="javascript' not in html


def _check_scores_csv(kit: Kit, submissions: Submissions, graded: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(graded["scores_csv"])))
    assert rows[0] == list(download.COLUMNS)
    by_user = {r[0]: dict(zip(rows[0], r)) for r in rows[1:]}
    assert list(by_user) == [*STUDENTS, ABSENT] and len(rows) == len(STUDENTS) + 2
    for student in STUDENTS:
        row = by_user[student]
        total = round(sum(v["points"] for v in graded["kit"][student].values()), 2)
        assert float(row["score"]) == total and float(row["max_score"]) == 20
        assert row["submission_tag"] == submissions.tags[student]
        assert re.match(DATETIME, row["datetime"]), row
        assert row["review_url"].endswith("/compare/a...b")  # the matching attempt's, not older
        assert row["submitted_by"] == student and row["late"] == "false"
    assert by_user[ABSENT]["score"] == "" and by_user[ABSENT]["first_name"] == "Ab"
    assert "absent" not in graded["kit"]


def test_four_paths_score_the_same(
    kit: Kit, submissions: Submissions, graded: dict[str, Any]
) -> None:
    """One test for the expensive grading run, so that pytest-xdist never repeats it."""
    _check_parity(kit, graded)
    _check_classroom50(kit, graded)
    _check_gradescope(kit, graded)
    _check_feedback_is_safe(kit, graded)
    _check_scores_csv(kit, submissions, graded)
    assert "TAMPERED" not in graded["grade_log"], graded["grade_log"]


# -- cheap checks ------------------------------------------------------------------------------------
def _actionlint() -> str | None:
    here = Path(sys.executable).parent / "actionlint"
    return str(here) if here.exists() else shutil.which("actionlint")


def test_template_and_workflows(kit: Kit, built: Path, tmp_path: Path) -> None:
    template = built / "template"
    for rel in c50.RESERVED:
        assert not (template / rel).exists(), rel
    progress = template / c50.PROGRESS_WORKFLOW
    text = progress.read_text(encoding="utf-8")
    assert "Autograding Reporter" not in text and "checks: write" not in text
    assert not (template / "solutions").exists() and not (template / "tests" / "hidden").exists()
    released = json.loads((template / "hexahype-release.json").read_text(encoding="utf-8"))
    assert c50.PROGRESS_WORKFLOW in released["files"]
    readme = (template / "README.md").read_text(encoding="utf-8")
    assert "gh student accept" in readme and "advisory" in readme
    classroom = workflow.workflow_text(kit.course)
    assert "if: ${{ vars.HEXAHYPE_CLASSROOM_REPORTER == 'true' }}" in classroom
    assert "continue-on-error: true" in classroom
    assert (KIT / workflow.SOURCE_COPY).read_text(encoding="utf-8") == workflow.workflow_text(
        manifest.load(KIT)
    )
    tool = _actionlint()
    if tool is None:
        pytest.skip("actionlint is not installed (pip install -e '.[dev]')")
    legacy = tmp_path / "classroom.yml"
    legacy.write_text(classroom, encoding="utf-8")
    for path in (progress, legacy, KIT / workflow.SOURCE_COPY):
        proc = subprocess.run([tool, "-no-color", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, f"{path.name}: {proc.stdout}{proc.stderr}"


def test_bundle_and_declarative_tests(kit: Kit, built: Path) -> None:
    folder = c50.bundle_folder(built, CLASSROOM, ASSIGNMENT)
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {c50.ENTRY, c50.GRADE_SCRIPT, "requirements.txt"} <= files
    for lesson in kit.lessons:
        rel = lesson.hidden_test_path.relative_to(kit.root).as_posix()
        assert f"hexahype/{rel}" in files
    assert not [f for f in files if "solutions/" in f or "grader/tests/" in f]
    assert not [f for f in files if f.startswith("hexahype/exercises/") and "__init__" not in f]
    public = "\n".join(  # the template is public, the hidden tests belong in the bundle
        p.read_bytes().decode("utf-8", "replace")
        for p in [
            *(built / "template").rglob("*"),
            *(e.hidden_test_path for e in kit.lessons),
        ]
        if p.is_file()
    )
    solution_lines = {
        line.strip()
        for e in kit.lessons
        for line in e.solution_path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) > 30 and line.strip() not in public
    }
    assert solution_lines
    for rel in files:
        text = (folder / rel).read_bytes().decode("utf-8", "replace")
        leaked = [line for line in solution_lines if line in text]
        assert not leaked, (rel, leaked[:2])
    tests = json.loads((built / "tests.json").read_text(encoding="utf-8"))
    assert isinstance(tests, list)  # the bare array `gh teacher assignment add --tests` reads
    Draft202012Validator(TESTS_V1).validate({"schema": "classroom50/tests/v1", "tests": tests})
    names = [t["name"] for t in tests]
    assert len(names) == len(set(names)) and all(len(n.encode()) <= 100 for n in names)
    assert tests[0]["name"] == "setup" and tests[0]["points"] == 0
    lessons = {t["name"]: t for t in tests[1:]}
    assert list(lessons) == [f"{e.id} {e.title}" for e in kit.lessons]
    for lesson in kit.lessons:
        test = lessons[f"{lesson.id} {lesson.title}"]
        assert test["type"] == "python" and test["points"] == lesson.points
        assert f"$CLASSROOM50_BUNDLE_DIR/{c50.GRADE_SCRIPT}" in test["run"]
        assert test["run"].endswith(f"--lesson {lesson.id}")
    runtime = json.loads((built / "runtime.json").read_text(encoding="utf-8"))
    assert runtime["python"] == workflow.PYTHON_VERSION
    steps = (built / "NEXT-STEPS.md").read_text(encoding="utf-8")
    assert f"gh teacher assignment add {ORG} {CLASSROOM} {ASSIGNMENT}" in steps
    assert "--template" in steps and "--due 2027-01-15T23:59:00Z" in steps
    assert "readable by students" in steps and "advisory" in steps


def test_declarative_lesson_reports_its_checks(
    kit: Kit, built: Path, submissions: Submissions, tmp_path: Path
) -> None:
    """A declarative `python` test runs the kit's grading for its lesson and reports the checks
    the way the Classroom 50 runner reads a pytest-json-report file."""
    checkout = tmp_path / "checkout"
    subprocess.run(
        ["git", "clone", "-q", str(submissions.repos["partial"]), str(checkout)], check=True
    )
    script = c50.bundle_folder(built, CLASSROOM, ASSIGNMENT) / c50.GRADE_SCRIPT
    report = tmp_path / "report.json"
    env = _platform_env(CLASSROOM50_BUNDLE_DIR=str(script.parent))
    proc = subprocess.run(
        [
            _runner(built),
            str(script),
            "--lesson",
            "1.3",
            "--json-report",
            f"--json-report-file={report}",
        ],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # not every check passes
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    assert 0 < summary["passed"] < summary["total"]
    assert "test_canary_hidden_merge" in proc.stdout and CANARY_MESSAGE not in proc.stdout
    assert not (checkout / c50.RESULT_FILE).exists()


def test_bad_input_gets_one_line_naming_it(kit: Kit, built: Path, tmp_path: Path) -> None:
    before = sorted(p.relative_to(kit.root).as_posix() for p in kit.root.rglob("*"))
    foreign = tmp_path / "foreign"
    (foreign / "some-repo").mkdir(parents=True)
    malformed = tmp_path / "malformed"
    malformed.mkdir()
    (malformed / "scores.csv").write_text("name,points\nalice,3\n", encoding="utf-8")
    strangers = tmp_path / "strangers"
    (strangers / "llm-2027-hexahype-bob").mkdir(parents=True)
    (strangers / "scores.csv").write_text(",".join(download.COLUMNS) + "\nalice" + "," * 12 + "\n")
    out_csv, book = tmp_path / "out.csv", tmp_path / "book.sqlite"
    cases = [
        ([str(foreign), "--scores-csv", str(out_csv)], str(foreign)),
        ([str(malformed)], "scores.csv"),
        ([str(strangers)], str(strangers)),
    ]
    for args, named in cases:
        proc = hexahype(kit.root, "grade", *args, "--gradebook", str(book))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and named in lines[0], proc.stderr
    assert not out_csv.exists() and not book.exists()
    # the classroom50 verb refuses a folder that is not empty, and writes nothing
    proc = hexahype(kit.root, "classroom50", str(built), "--org", ORG, "--classroom", CLASSROOM)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    # a bundle without course.toml: one line naming it, no result.json
    bundle_copy = tmp_path / "bundle"
    shutil.copytree(c50.bundle_folder(built, CLASSROOM, ASSIGNMENT), bundle_copy)
    (bundle_copy / "hexahype" / "course.toml").unlink()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    proc = subprocess.run(
        [_runner(built), str(bundle_copy / c50.ENTRY)],
        cwd=checkout,
        capture_output=True,
        text=True,
        env=_platform_env(),
    )
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "course.toml" in proc.stderr
    assert not (checkout / c50.RESULT_FILE).exists()
    # a Gradescope zip without course.toml: one line naming it, and results.json says so
    zip_path = tmp_path / "ag.zip"
    assert hexahype(kit.root, "gradescope", str(zip_path)).returncode == 0
    again = hexahype(kit.root, "gradescope", str(zip_path))
    assert again.returncode == 2 and str(zip_path) in again.stderr
    root = unzip_autograder(zip_path, tmp_path / "autograder")
    (root / "submission").mkdir()
    (root / "source" / "hexahype" / "course.toml").unlink()
    env = _platform_env(
        HEXAHYPE_AUTOGRADER_ROOT=str(root), HEXAHYPE_PYTHON=_runner(built), HEXAHYPE_SKIP_APT="1"
    )
    subprocess.run(
        ["bash", str(root / "source" / "setup.sh")], env=env, check=True, capture_output=True
    )
    proc = subprocess.run(
        [str(root / "source" / "run_autograder")], cwd=root, capture_output=True, text=True, env=env
    )
    # the autograder's own failure: Gradescope gets a failed run (never a quiet 0), and the
    # student a results.json that says it is not their code
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert "course.toml" in proc.stderr
    doc = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    Draft202012Validator(GRADESCOPE_RESULTS).validate(doc)
    assert "course.toml" in doc["output"]
    after = sorted(p.relative_to(kit.root).as_posix() for p in kit.root.rglob("*"))
    assert [p for p in after if "__pycache__" not in p] == [
        p for p in before if "__pycache__" not in p
    ]


def test_feedback_is_inert() -> None:
    assert feedback.plain("a\x1b[31mb\x1b[0m\nc\u202ed\x07") == "a b cd"
    span = feedback.code("x `` y ``` z")
    assert span.startswith("```` ") and span.endswith(" ````")
    html = MarkdownIt("commonmark").render("- " + feedback.code(EVIL) + "\n")
    assert "<img" not in html and "<a " not in html and "&lt;img" in html
    assert feedback.base_name("tests/hidden/x.py::test_a[secret-1]") == "test_a"


def test_classroom50_files_never_flag_but_other_changes_do() -> None:
    from grader.grading.batch import Result
    from grader.grading.gradebook import Graded
    from grader.grading.sources import Submission

    graded = Graded("alice", "r", "abc", "0", "HexaHype", "0", 0.0)
    graded.tamper = [".github/workflows/autograde.yaml added", "tests/ch1_tokens/x.py changed"]
    result = Result(Submission("alice", "r", "r"), graded, causes=["TAMPERED: x (+1 more)"])
    download.drop_reserved(result)
    assert graded.tamper == ["tests/ch1_tokens/x.py changed"]
    assert result.causes == ["TAMPERED: tests/ch1_tokens/x.py changed"]
    assert download.reserved(".classroom50.yaml added") and not download.reserved("README.md added")
