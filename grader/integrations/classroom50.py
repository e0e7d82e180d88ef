"""Classroom 50 (github.com/foundation50/classroom50): `hexahype classroom50 OUT/`.

It writes what an instructor puts into their organisation, and nothing else:

    OUT/template/                         the template repository (stubs, visible tests,
                                          lessons, learner README, the progress workflow)
    OUT/classroom50/CLASSROOM/autograders/ASSIGNMENT/
        autograder.py                     Classroom 50's entry point (runs hexahype_grade.py)
        hexahype_grade.py                 installs requirements.txt, runs the kit's grader
        requirements.txt                  the grader's Python packages
        hexahype/                         the kit's grading copy: grader/, course.toml,
                                          visible and hidden tests, sealed quizzes
    OUT/tests.json                        the declarative alternative (a bare `tests` array)
    OUT/runtime.json                      the assignment's runtime (`--runtime`)
    OUT/NEXT-STEPS.md                     what to run next (also printed)

The template holds neither `.classroom50.yaml` nor `.github/workflows/autograde.yaml`: both are
written by `gh student accept`. Its progress workflow is `.github/workflows/progress.yml`.

The autograder runs in the student's checkout (`python -m grader.integrations.classroom50` in
the bundle's kit folder): the visible and hidden suites through `grader.integrations.engine`
(the same staging, sandbox and limits as `hexahype grade`), then `./result.json` (schema
`classroom50/result/v1`: one test row per lesson, named `1.3 Byte pair encoding`, with integer
points, full credit only when every check of the lesson passes, and the lesson's first failing
message as `output`) and `./release-body.md`, feedback that never shows a hidden test's source,
inputs or expected values. It exits 0 whatever the student's code does; only the bundle's own
failures exit 1, which Classroom 50 reports as an infrastructure error: no course.toml, or a
grading error (a test module of the bundle that cannot be collected: that lesson is reported as
a grading error, not as points lost, and the other lessons are graded as usual).

The declarative alternative is one `python` test per lesson that runs the same grading for that
lesson and reports its checks in the pytest-json-report shape the Classroom 50 runner reads
(`--json-report-file`); the runner rounds a lesson's share to the nearest point, never to full
credit unless every check passes.

Formats followed: foundation50/classroom50 `schemas/result-v1.schema.json` at commit
6e593c79b87c99f94fec2ae0badadba761360516, `schemas/tests-v1.schema.json` at commit
2f6cb939610d0587cb95e48473bc3d2c5149fd8f, the wiki's Advanced-Autograding and
Autograding-Basics pages and `cli/gh-teacher/skeleton/dotgithub/scripts/runner.py` (the
autograder contract and the `python` test type), `cli/gh-student/embed/autograde-shim.yaml`
(the reserved workflow file).

Classroom 50 serves an assignment's bundle, hidden tests included, from the organisation's
public Pages site, and runs the autograder in the student's own Actions: its hidden tests are
readable by students and its grade is advisory. `hexahype grade` on a `gh teacher download`
folder is the authoritative grade.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import manifest, workflow
from .. import template as tpl
from ..authoring import release
from ..grading import download
from ..grading.sources import SourceError, git
from ..manifest import Course, Lesson
from ..results import LessonOutcome, Status, whole_score
from . import bundle, engine, feedback

RESULT_SCHEMA = "classroom50/result/v1"
TESTS_SCHEMA = "classroom50/tests/v1"
RESULT_FILE = "result.json"
RELEASE_BODY = "release-body.md"
# Written into a student's repository by `gh student accept`: never in a template.
RESERVED = download.RESERVED
PROGRESS_WORKFLOW = ".github/workflows/progress.yml"
PROGRESS_NAME = "Progress"
ENTRY = "autograder.py"
GRADE_SCRIPT = "hexahype_grade.py"
ASSIGNMENT_TYPES = ("individual", "group", "team")
MAX_BUNDLE_BYTES = 10 * 1024 * 1024  # the runner's cap on a fetched bundle
RUNTIME = {"python": workflow.PYTHON_VERSION, "apt": ["bubblewrap"]}
NAME_MAX_BYTES = 100  # a declarative test's name
_SHORT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


class Classroom50Error(Exception):
    """The Classroom 50 files cannot be written (one clear line)."""


# -- the verb -----------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder to write into (created; must be empty)")
    parser.add_argument("--org", required=True, help="your GitHub organisation")
    parser.add_argument("--classroom", required=True, help="the Classroom 50 classroom short name")
    parser.add_argument(
        "--assignment", default=None, help="the assignment slug (default: the course's name)"
    )
    parser.add_argument(
        "--template",
        default=None,
        metavar="OWNER/REPO",
        help="where you will push the template (default ORG/ASSIGNMENT-template)",
    )
    parser.add_argument(
        "--due",
        default=None,
        help="the due date for the printed command, e.g. 2027-01-15T23:59:00Z",
    )
    engine.add_settings_arguments(parser)


def _slug(course: Course) -> str:
    return re.sub(r"[^a-z0-9]+", "-", course.name.lower()).strip("-") or "course"


def _check_name(value: str, what: str) -> str:
    if not _SHORT.match(value):
        raise Classroom50Error(
            f"{what} {value!r} is not a short name (letters, digits, '.', '_' and '-')"
        )
    return value


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        org = _check_name(args.org, "--org")
        classroom = _check_name(args.classroom, "--classroom")
        assignment = _check_name(args.assignment or _slug(course), "--assignment")
        template = args.template or f"{org}/{assignment}-template"
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$", template):
            raise Classroom50Error(f"--template {template!r} is not OWNER/REPO")
        written = write(course, args.out, org, classroom, assignment, engine.settings_of(args))
    except (Classroom50Error, bundle.BundleError, release.ReleaseError) as exc:
        print(f"hexahype classroom50: {exc}", file=sys.stderr)
        return 2
    steps = next_steps(course, args.out, org, classroom, assignment, template, args.due)
    (args.out / "NEXT-STEPS.md").write_text(steps, encoding="utf-8")
    print(f"wrote {written} files to {args.out}\n")
    print(steps, end="")
    return 0


# -- what it writes -------------------------------------------------------------------------------
def template_files(course: Course) -> dict[str, bytes | Path]:
    """The student template of `hexahype release`, with the progress workflow under a name of
    its own (no GitHub Classroom reporter) and a README that says how grading works here."""
    files = dict(tpl.template_files(course))
    files.pop(workflow.TEMPLATE_COPY.as_posix(), None)
    files[PROGRESS_WORKFLOW] = workflow.workflow_text(
        course, reporter=False, name=PROGRESS_NAME
    ).encode("utf-8")
    entries = [e for e in course.entries if e.exercise_path.exists()]
    files["README.md"] = tpl.learner_readme(course, entries, LEARNER_GRADING).encode("utf-8")
    for rel in RESERVED:
        if rel in files:
            raise Classroom50Error(f"the template must not hold {rel}: gh student accept writes it")
    return dict(sorted(files.items()))


LEARNER_GRADING = [
    "Accept the assignment with `gh student accept ORG CLASSROOM ASSIGNMENT` (the names your",
    "instructor gives you). Every push to your repository is graded by Classroom 50's",
    "**Autograde** workflow, visible and hidden checks together, and the result is a release of",
    "your repository with one row per lesson. That grade is advisory; your instructor's final",
    "grade may differ. The **Progress** workflow runs the visible checks and shows your progress",
    "in its run summary. Do not change `tests/`, `grader/`, `.github/`, `pyproject.toml` or",
    "`course.toml`: grading always uses the course's own copies, and changes to them are flagged.",
]


def declarative_tests(
    course: Course, lessons: list[Lesson], settings: dict[str, Any]
) -> list[dict[str, Any]]:
    """The `tests` array (items of classroom50/tests/v1): a setup step, then one `python` test
    per lesson worth the lesson's points."""
    script = f'python3 "$CLASSROOM50_BUNDLE_DIR/{GRADE_SCRIPT}"'
    limit = int(min(600, max(60, float(settings.get("submission_timeout") or 600))))
    tests: list[dict[str, Any]] = [
        {"name": "setup", "type": "run", "run": f"{script} --install", "timeout": 600, "points": 0}
    ]
    for e in lessons:
        name = f"{e.id} {e.title}".encode()[:NAME_MAX_BYTES].decode("utf-8", "ignore")
        tests.append(
            {
                "name": name,
                "type": "python",
                "run": f"{script} --lesson {e.id}",
                "timeout": limit,
                "points": whole_score(e.points, 1, 1),
                "failure-details": "actual-only",
            }
        )
    return tests


def bundle_files(
    course: Course, classroom: str, assignment: str, settings: dict[str, Any]
) -> dict[str, bytes]:
    """The files of CLASSROOM/autograders/ASSIGNMENT/, relative to that folder."""
    kit = {
        f"{bundle.KIT_DIR}/{rel}": bundle.content(src)
        for rel, src in bundle.grading_files(course).items()
    }
    template = {rel: bundle.content(src) for rel, src in template_files(course).items()}
    released = tpl.release_manifest(course, template)
    kit[f"{bundle.KIT_DIR}/{tpl.RELEASE_FILE}"] = (
        json.dumps(released, indent=2, sort_keys=True) + "\n"
    ).encode("utf-8")
    chosen = {**settings, "classroom": classroom, "assignment": assignment}
    kit[f"{bundle.KIT_DIR}/{bundle.SETTINGS_FILE}"] = bundle.settings_bytes(chosen)
    kit[ENTRY] = AUTOGRADER_PY.format(course=course.name).encode("utf-8")
    kit[GRADE_SCRIPT] = GRADE_PY.format(course=course.name, version=course.version).encode("utf-8")
    kit["requirements.txt"] = bundle.requirements(course).encode("utf-8")
    bundle.check(kit, kit["requirements.txt"].decode("utf-8"))
    return dict(sorted(kit.items()))


def write(
    course: Course,
    out: Path,
    org: str,
    classroom: str,
    assignment: str,
    settings: dict[str, Any],
) -> int:
    """Write everything into `out` (which must not exist or be empty); returns the file count."""
    target = out.resolve()
    root = course.root.resolve()
    if target == root or root.is_relative_to(target):
        raise Classroom50Error(f"{out} is the course itself or holds it; choose another folder")
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise Classroom50Error(f"{out} exists and is not an empty folder")
    lessons = [e for e in course.entries if e.test_path.exists() or e.hidden_test_path.exists()]
    if not lessons:
        raise Classroom50Error("no lesson of the course has tests to grade")
    files = bundle_files(course, classroom, assignment, settings)
    size = bundle.tar_gz_size(files)
    if size > MAX_BUNDLE_BYTES:
        raise Classroom50Error(
            f"the bundle is {size / 2**20:.1f} MiB as Classroom 50 serves it (tar.gz), over its "
            f"{MAX_BUNDLE_BYTES // 2**20} MiB limit"
        )
    template = template_files(course)
    tests = declarative_tests(course, lessons, settings)
    target.mkdir(parents=True, exist_ok=True)
    written = release.build(course, target / "template", files=template)
    bundle.write_tree(files, bundle_folder(target, classroom, assignment))
    (target / "tests.json").write_text(json.dumps(tests, indent=2) + "\n", encoding="utf-8")
    (target / "runtime.json").write_text(json.dumps(RUNTIME, indent=2) + "\n", encoding="utf-8")
    return len(written) + len(files) + 3


def bundle_folder(out: Path, classroom: str, assignment: str) -> Path:
    """Where an assignment's bundle is inside OUT (as in the classroom50 repository)."""
    return out / "classroom50" / classroom / "autograders" / assignment


def next_steps(
    course: Course,
    out: Path,
    org: str,
    classroom: str,
    assignment: str,
    template: str,
    due: str | None,
) -> str:
    config = f"{out}/classroom50/{classroom}"
    due_arg = due or "YYYY-MM-DDTHH:MM:SSZ"
    lines = [
        f"Next steps for {course.name} on Classroom 50",
        "",
        f"1. Publish the template: push {out}/template to {template} and mark it a template.",
        f"     (cd {out}/template && git init -q -b main && git add -A \\",
        f'       && git commit -qm "{course.name} {course.version}" \\',
        f"       && gh repo create {template} --private --source . --push)",
        f"     gh repo edit {template} --template",
        f"2. Add the autograder to your {org}/classroom50 repository:",
        f"     gh repo clone {org}/classroom50 && cp -R {config} classroom50/",
        f'     (cd classroom50 && git add {classroom} && git commit -qm "{course.name} autograder"'
        " && git push)",
        "3. Register the assignment" + ("" if due else " (put your deadline in --due)") + ":",
        f'     gh teacher assignment add {org} {classroom} {assignment} --name "{course.name}" \\',
        f"       --template {template} --due {due_arg} --runtime {out}/runtime.json",
        f"   Declarative tests instead of autograder.py: delete {classroom}/autograders/"
        f"{assignment}/{ENTRY} from the classroom50 repository, and add `--tests {out}/tests.json`"
        " to that command.",
        f"4. Students run: gh student accept {org} {classroom} {assignment}",
        "   Every push is graded; each grade is a release of the student's repository.",
        "5. The authoritative grade, on your machine:",
        f"     gh teacher download {org} {classroom} {assignment} -d submissions",
        f"     hexahype grade submissions --release {out}/template --scores-csv "
        f"{assignment}-scores.csv",
        "",
        "Read this before you rely on it:",
        f"- The hidden tests are readable by students. Classroom 50 serves {classroom}/autograders/"
        f"{assignment}/ (with tests/hidden/) from your organisation's public GitHub Pages site.",
        "- Classroom 50's grade is advisory. The autograder runs in each student's own repository's"
        " Actions, which the student controls; nothing there is an isolation boundary.",
        "- Classroom 50 takes whole points: a lesson earns its points when every check passes,"
        " otherwise its share of the checks passed, rounded down (the declarative tests round to"
        " the nearest point instead). hexahype grade keeps the partial credit to 0.01 point.",
    ]
    return "\n".join(lines) + "\n"


AUTOGRADER_PY = '''\
"""Classroom 50's entry point for {course}: runs hexahype_grade.py beside it.

Generated by `hexahype classroom50`: do not edit, rebuild it instead.
"""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    here = Path(__file__).resolve().parent
    sys.exit(runpy.run_path(str(here / "hexahype_grade.py"))["main"](sys.argv[1:]))
'''

GRADE_PY = '''\
"""{course} {version} grading for Classroom 50, run in the student's checkout.

Generated by `hexahype classroom50`: do not edit, rebuild it instead.

    python3 hexahype_grade.py                 grade the checkout in the working directory:
                                              ./result.json and ./release-body.md
    python3 hexahype_grade.py --install       install the grader's packages only
    python3 hexahype_grade.py --lesson 1.3    one lesson (a declarative `python` test)

It installs requirements.txt with pip (from PyPI) unless every requirement is installed already,
then runs the grader of the kit copy beside it (hexahype/), never the student's copy of the
grader or of the tests.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
KIT = HERE / "hexahype"


def satisfied() -> bool:
    """Whether every requirement is installed at a version it allows (pip's own parser), so
    that a run on a runner that already has them spends no time on pip."""
    try:
        from importlib.metadata import PackageNotFoundError, version

        from pip._vendor.packaging.requirements import Requirement
    except ImportError:
        return False
    for line in (HERE / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                return False
        except PackageNotFoundError:
            return False
    return True


def install() -> int:
    if satisfied():
        return 0
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    cmd += ["-r", str(HERE / "requirements.txt")]
    code = subprocess.run(cmd).returncode
    if code != 0:
        code = subprocess.run(cmd + ["--user"]).returncode
    return code


def main(argv):
    manifest = KIT / "course.toml"
    if not manifest.is_file():
        print(f"hexahype autograder: the bundle has no {{manifest}}; rebuild it with "
              "hexahype classroom50", file=sys.stderr)
        return 1
    if install() != 0:
        print("hexahype autograder: pip could not install requirements.txt", file=sys.stderr)
        return 1
    if argv[:1] == ["--install"]:
        return 0
    cmd = [sys.executable, "-m", "grader.integrations.classroom50", "--checkout", os.getcwd()]
    return subprocess.run(cmd + list(argv), cwd=KIT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''


# -- the autograder, in the student's checkout ---------------------------------------------------
def _now() -> str:
    return datetime.now(timezone.utc).strftime(_STAMP)


def _commit_info(checkout: Path) -> tuple[str, str]:
    """(HEAD's sha, its committer date as YYYY-MM-DDTHH:MM:SSZ); ('', now) without git."""
    if not (checkout / ".git").exists():
        return "", _now()
    try:
        sha, when = git(["show", "-s", "--format=%H %cI", "HEAD"], checkout).split()
        return sha, datetime.fromisoformat(when).astimezone(timezone.utc).strftime(_STAMP)
    except (SourceError, ValueError):
        return "", _now()


def identity(settings: dict[str, Any], checkout: Path) -> dict[str, str]:
    """The result's identity and time fields, from the runner's environment (it overwrites
    them anyway), with fallbacks that keep the document valid when run by hand."""
    env = os.environ
    classroom = env.get("CLASSROOM") or str(settings.get("classroom") or "classroom")
    assignment = env.get("ASSIGNMENT") or str(settings.get("assignment") or "assignment")
    kind = (env.get("ASSIGNMENT_TYPE") or env.get("MODE") or "").strip().lower()
    repo = env.get("GITHUB_REPOSITORY", "").rsplit("/", 1)[-1]
    prefix = f"{classroom.lower()}-{assignment.lower()}-"
    owner = (
        env.get("OWNER")
        or env.get("USERNAME")
        or (repo[len(prefix) :] if repo.lower().startswith(prefix) else "")
        or env.get("GITHUB_ACTOR")
        or "student"
    )
    sha, when = _commit_info(checkout)
    tag = env.get("SUBMISSION_TAG", "")
    if not tag.startswith("submit/"):
        tag = f"submit/{when.replace(':', '-')}-{sha[:7] or 'local'}"
    server = env.get("GITHUB_SERVER_URL", "https://github.com")
    commit = env.get("COMMIT_URL") or (
        f"{server}/{env['GITHUB_REPOSITORY']}/commit/{sha}"
        if env.get("GITHUB_REPOSITORY") and sha
        else sha or "local"
    )
    return {
        "classroom": classroom,
        "assignment": assignment,
        "assignment_type": kind if kind in ASSIGNMENT_TYPES else "individual",
        "owner": owner,
        "submission": tag,
        "commit": commit,
        "release": env.get("RELEASE_URL") or commit,
        "review": env.get("REVIEW_URL") or commit,
        "datetime": when,
        "graded_at": _now(),
    }


def result_document(ident: dict[str, str], outcome: engine.Outcome) -> dict[str, Any]:
    """result.json: one test row per lesson, in whole points."""
    tests = [
        {
            "test-name": f"{lesson.id} {lesson.title}",
            "passed": lesson.status is Status.DONE,
            "score": lesson.whole_points,
            "max-score": whole_score(lesson.max_points, 1, 1),
            "output": feedback.first_line(lesson, outcome.docs),
        }
        for lesson in outcome.lessons
    ]
    return {
        "schema": RESULT_SCHEMA,
        **ident,
        "score": sum(t["score"] for t in tests),
        "max-score": sum(t["max-score"] for t in tests),
        "tests": tests,
    }


def _cell(text: str) -> str:
    return feedback.plain(text).replace("|", "\\|")


def release_body(course: Course, doc: dict[str, Any], outcome: engine.Outcome) -> str:
    """The markdown on the submission's release: the table, then what failed and why."""
    lines = [
        f"## {_cell(course.name)}: {doc['score']} / {doc['max-score']} points",
        "",
        "This grade is advisory: Classroom 50 computed it in this repository's own Actions run, "
        "and your instructor's final grade may differ. A lesson earns whole points here: all of "
        "them when every check passes, otherwise its share of the checks passed, rounded down.",
        "",
    ]
    if outcome.commit and not outcome.commit.startswith("worktree-"):
        lines += [f"Commit graded: `{outcome.commit[:12]}`", ""]
    if outcome.problem:
        lines += [f"Note: {feedback.code(outcome.problem)}", ""]
    if outcome.tamper:
        lines += [
            "Your repository changes files the course ships (tests, workflows or grader files); "
            "grading used the course's own copies.",
            "",
        ]
    lines += ["| Lesson | Status | Checks | Points |", "|---|---|---:|---:|"]
    for lesson, row in zip(outcome.lessons, doc["tests"]):
        lines.append(
            f"| {_cell(row['test-name'])} | {lesson.status.value} | {lesson.passed} / "
            f"{lesson.total} | {row['score']} / {row['max-score']} |"
        )
    for lesson in outcome.lessons:
        found = feedback.notes(lesson, outcome.docs)
        if found and lesson.status is not Status.NOT_STARTED:
            lines += ["", f"### {_cell(lesson.id + ' ' + lesson.title)}", ""]
            lines.append(feedback.markdown_block(found))
    return "\n".join(lines) + "\n"


def _failed_outcome(course: Course, problem: str) -> engine.Outcome:
    lessons = [
        LessonOutcome(e.id, e.title, float(e.points), [], 1)
        for e in course.entries
        if e.test_path.exists() or e.hidden_test_path.exists()
    ]
    return engine.Outcome(lessons=lessons, problem=problem)


def _release_manifest(course: Course) -> dict[str, Any] | None:
    path = course.root / tpl.RELEASE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def autograde(course: Course, checkout: Path, settings: dict[str, Any]) -> engine.Outcome:
    """Grade the checkout; write result.json and release-body.md into it; return the outcome."""
    ident = identity(settings, checkout)
    try:
        outcome = engine.grade_folder(
            course, checkout, ident["owner"], settings, _release_manifest(course)
        )
        outcome.tamper = [t for t in outcome.tamper if not download.reserved(t)]
    except Exception as exc:  # noqa: BLE001 - the submission still gets a result
        outcome = _failed_outcome(course, f"grading failed: {exc}")
    doc = result_document(ident, outcome)
    (checkout / RESULT_FILE).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    (checkout / RELEASE_BODY).write_text(release_body(course, doc, outcome), encoding="utf-8")
    for row in doc["tests"]:
        print(f"{row['test-name']}: {row['score']} / {row['max-score']} ({row['output']})")
    print(f"{course.name}: {doc['score']} / {doc['max-score']} points (advisory)")
    for lesson in outcome.grading_errors:
        print(
            f"hexahype autograder: GRADING ERROR in lesson {lesson.id}: {lesson.grading_error}",
            file=sys.stderr,
        )
    return outcome


def grade_lesson(
    course: Course, checkout: Path, settings: dict[str, Any], lesson_id: str, report: Path | None
) -> int:
    """One lesson, for a declarative `python` test: its feedback on stdout, its checks in the
    pytest-json-report summary shape at `report`; exit 0 only when every check passes."""
    entry = course.get(lesson_id)
    try:
        outcome = engine.grade_folder(
            course, checkout, "student", settings, _release_manifest(course), only=[entry.id]
        )
        lesson = next(item for item in outcome.lessons if item.id == entry.id)
    except Exception as exc:  # noqa: BLE001 - a lesson that cannot be graded fails its test
        print(f"{entry.id} {entry.title}: could not be graded ({feedback.plain(str(exc))})")
        return 1
    if lesson.grading_error:  # the course's failure, not the student's: no report, exit 2
        print(f"{entry.id} {entry.title}: GRADING ERROR (not your code): {lesson.grading_error}")
        return 2
    print(f"{entry.id} {entry.title}: {feedback.first_line(lesson, outcome.docs)}")
    body = feedback.text_block(feedback.notes(lesson, outcome.docs))
    if body:
        print(body)
    if report is not None:
        summary = {"total": lesson.total, "passed": lesson.passed, "collected": lesson.total}
        report.write_text(json.dumps({"summary": summary}) + "\n", encoding="utf-8")
    return 0 if lesson.status is Status.DONE else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m grader.integrations.classroom50",
        description="Classroom 50 autograder: grade the student's checkout (run in the kit).",
    )
    parser.add_argument("--checkout", type=Path, required=True, help="the student's checkout")
    parser.add_argument("--lesson", default=None, help="grade this lesson only")
    parser.add_argument("--json-report", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json-report-file", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    kit = Path.cwd()
    if not (kit / manifest.MANIFEST_NAME).is_file():
        print(
            f"hexahype autograder: the bundle has no {kit / manifest.MANIFEST_NAME}",
            file=sys.stderr,
        )
        return 1
    try:
        course = manifest.load(kit)
        settings = bundle.read_settings(course.root)
        if args.lesson:
            course.get(args.lesson)
    except (manifest.ManifestError, bundle.BundleError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) else exc
        print(f"hexahype autograder: {message}", file=sys.stderr)
        return 1
    checkout = args.checkout.resolve()
    if args.lesson:
        return grade_lesson(course, checkout, settings, args.lesson, args.json_report_file)
    outcome = autograde(course, checkout, settings)
    # a grading error (a suite of the bundle that cannot be collected) fails the run, so that
    # Classroom 50 reports an autograder failure instead of a quiet grade
    return 1 if outcome.grading_errors else 0


if __name__ == "__main__":
    sys.exit(main())
