"""One grade everywhere: every grading path gives the same points, checked where it really runs.

The whole course (chapter 3 with `graded = true`) is built once into what instructors ship: the
Classroom 50 bundle and its declarative tests.json, the Gradescope zip and the student template.
Six submissions made from that template are graded through every path:

- `hexahype grade`, with the local executor, and with the Dask executor on two of them (the
  instructor's own machine: the kit's environment is the platform there);
- Classroom 50's `autograder.py`, run as its runner runs it: the runner's environment
  variables, the student checkout as working directory, the bundle at CLASSROOM50_BUNDLE_DIR,
  a fresh virtualenv made from the system Python with the bundle's requirements.txt;
- the declarative tests.json, `python` tests run as the runner runs them: one lesson of each
  kind (no dependencies, a deep chain of them, a quiz of each chapter, chapter 3's last
  lesson) and the telling lessons of the failing submissions; that every lesson's test is the
  same command with only its lesson id and points changed is checked on every lesson;
- Gradescope: the zip's setup.sh (which makes its own virtualenv from the system Python), then
  run_autograder, under a relocated /autograder;
- the learner's `hexahype check` in the template checkout (the visible part).

Per-lesson checks passed and points must be identical under the one scoring rule of
grader/results.py (Classroom 50's whole points follow from the same counts); a path that runs
only the visible checks is compared on its visible part. A mismatch names the path, the student,
the lesson and both numbers. Nothing of the developer's checkout is on a platform path's
sys.path: the fresh environments never see it, and the bundles run from their built form.
nbgrader's parity, the slowest path, is proved on two lessons in test_platforms.py.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from grader.integrations import bundle, imports
from grader.manifest import Course
from grader.results import score, whole_score
from grader.tests.platform_runs import (
    TIMEOUT,
    Built,
    build,
    c50_points,
    gradebook_points,
    gradescope_points,
    gradescope_setup,
    kit_cli,
    make_repos,
    run_classroom50,
    run_declarative,
    run_gradescope,
    run_learner,
    solved_files,
    visible_counts,
)

KIT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(KIT, tmp_path_factory.mktemp("parity"))


# -- six submissions --------------------------------------------------------------------------
# `broken` holds three failures: a syntax error (1.2, which no lesson imports), an import that
# fails (1.4, whose module 1.5's imports, so 1.5 cannot load either), and a bug that only the
# hidden checks see (2.5). One submission with all three also shows that they cost no other
# lesson a point, on every path.
HIDDEN_BUG = "\n\ndef attention_score_count(T, n_layers, n_heads):\n    if T > 3000:\n        return 0\n    return n_layers * n_heads * T * (T + 1) // 2\n"  # noqa: E501
HANG = "\n\ndef merge(ids, pair, new_id):\n    while True:  # never ends\n        pass\n"


def submission_files(course: Course) -> dict[str, dict[str, str | None]]:
    """student -> {exercise file relative to the root: its text}."""

    def solved(lesson_ids: list[str]) -> dict[str, str | None]:
        return solved_files(course, lesson_ids)

    every = [e.id for e in course.entries]
    ch1 = [e.id for e in course.entries if e.chapter.number == 1]
    ch3 = [e.id for e in course.entries if e.chapter.number == 3]
    needed = list(ch3)  # chapter 3 builds on lessons of chapters 1 and 2: their closure
    for lesson_id in needed:
        needed += [r for r in course.get(lesson_id).requires if r not in needed]

    def patched(*changes: tuple[str, str, str]) -> dict[str, str | None]:
        """Every lesson solved, then each (lesson id, head, tail) change made to its module."""
        files = solved(every)
        for lesson_id, head, extra in changes:
            rel = course.get(lesson_id).exercise_path.relative_to(course.root).as_posix()
            files[rel] = head + (files[rel] or "") + extra
        return files

    return {
        "solved": solved(every),
        "untouched": {},
        "chapter1": solved(ch1),
        "broken": patched(
            ("1.2", "", "\n\ndef broken(:\n    pass\n"),
            ("1.4", "import hexahype_no_such_module\n", ""),
            ("2.5", "", HIDDEN_BUG),
        ),
        "hang": patched(("1.3", "", HANG)),
        "chapter3": solved(needed),
    }


STUDENTS = ["solved", "untouched", "chapter1", "broken", "hang", "chapter3"]
# the whole course, and the three failures; test_dask.py compares the Dask executor with the
# local one row by row on a mixed batch, and the red-team corpus hangs under it
DASK_STUDENTS = ["solved", "broken"]
# the declarative tests run: lessons without dependencies (1.1), at the end of a chain of them
# (1.7: 1.6, 1.4, 1.3, 1.1), a quiz of each chapter (1.10 after 1.1: an id that starts with
# another's), chapter 3's last lesson (3.3, which imports chapter 2 and 3.2), and the lessons
# that fail
DECLARATIVE = [("solved", i) for i in ("1.1", "1.7", "1.10", "2.7", "3.3")] + [
    ("broken", "1.2"), ("broken", "1.4"), ("broken", "1.5"), ("broken", "2.5"), ("hang", "1.3"),
]  # fmt: skip


@dataclass
class Batch:
    repos: dict[str, Path]
    points: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)
    # path -> student -> lesson -> {"passed", "total", "points", ...}
    logs: dict[str, str] = field(default_factory=dict)
    visible: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    # student -> lesson -> (visible checks passed, visible checks), from hexahype grade


@pytest.fixture(scope="module")
def batch(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Batch:
    work = tmp_path_factory.mktemp("batch")
    repos = make_repos(built, work / "submissions", submission_files(built.course))
    result = Batch(repos)
    # the Dask executor grades the whole course solved, and broken (DASK_STUDENTS)
    dask_folder = work / "dask-submissions"
    dask_folder.mkdir()
    for student in DASK_STUDENTS:
        shutil.copytree(repos[student], dask_folder / repos[student].name, symlinks=True)
    for name, folder, extra in (
        ("grade-local", work / "submissions", []),
        ("grade-dask", dask_folder, ["--executor", "dask"]),
    ):
        book = work / f"{name}.sqlite"
        proc = kit_cli(
            built.root, "grade", str(folder), "--gradebook", str(book),
            "--release", str(built.out / "template"), "--timeout", TIMEOUT, "--jobs", "2",
            *extra, HEXAHYPE_GRADE_TAG=name.replace("-", ""),
        )  # fmt: skip
        result.logs[name] = proc.stdout + proc.stderr
        assert proc.returncode == 0, result.logs[name]
        result.points[name] = gradebook_points(book)
        if name == "grade-local":
            result.visible = visible_counts(book)
    gs = gradescope_setup(built.zip, work / "autograder")
    with ThreadPoolExecutor(max_workers=2) as pool:
        c50_jobs = {
            s: pool.submit(run_classroom50, built, built.bundle_dir, repo, work)
            for s, repo in repos.items()
        }
        check_jobs = {s: pool.submit(run_learner, built, repo, work) for s, repo in repos.items()}
        gs_runs = {s: run_gradescope(gs, repo) for s, repo in repos.items()}
        c50_runs = {s: job.result() for s, job in c50_jobs.items()}
        result.points["learner"] = {s: job.result() for s, job in check_jobs.items()}
    for s, run in c50_runs.items():
        assert run["code"] == 0, (s, run["log"][-3000:])
    for s, run in gs_runs.items():
        assert run["code"] == 0, (s, run["log"][-3000:])
    result.points["classroom50"] = {s: c50_points(r["doc"]) for s, r in c50_runs.items()}
    result.points["gradescope"] = {s: gradescope_points(r["doc"]) for s, r in gs_runs.items()}
    result.logs["gradescope-docs"] = json.dumps({s: r["doc"] for s, r in gs_runs.items()})
    # the declarative path: one lesson of each kind, and the telling lessons (DECLARATIVE)
    decl: dict[str, dict[str, dict[str, Any]]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = {
            (s, i): pool.submit(run_declarative, built, repos[s], i, work) for s, i in DECLARATIVE
        }
        for (s, i), job in jobs.items():
            run = job.result()
            decl.setdefault(s, {})[i] = {
                "passed": run["summary"].get("passed"), "total": run["summary"].get("total"),
                "code": run["code"],
            }  # fmt: skip
    result.points["declarative"] = decl
    return result


def mismatches(
    course: Course, reference: dict[str, dict[str, dict[str, Any]]],
    other: dict[str, dict[str, dict[str, Any]]], path: str, visible_only: bool = False,
) -> list[str]:  # fmt: skip
    """One line per (student, lesson) where `path` disagrees with `hexahype grade`: the path,
    the student, the lesson and both numbers."""
    out = []
    for student, lessons in reference.items():
        for lesson_id, ref in lessons.items():
            got = other.get(student, {}).get(lesson_id)
            if got is None:
                out.append(f"{path}: {student} {lesson_id}: hexahype grade has it, {path} not")
                continue
            if visible_only:
                continue
            if "points" in got and got["points"] != ref["points"]:
                out.append(
                    f"{path}: {student} {lesson_id}: {got['points']} points, "
                    f"hexahype grade {ref['points']}"
                )
            if "whole" in got:
                want = whole_score(ref["max"], ref["passed"], ref["total"])
                if got["whole"] != want:
                    out.append(
                        f"{path}: {student} {lesson_id}: {got['whole']} whole points, "
                        f"hexahype grade {want} ({ref['passed']} of {ref['total']} checks)"
                    )
            if got.get("total") is not None and (got["passed"], got["total"]) != (
                ref["passed"], ref["total"],
            ):  # fmt: skip
                out.append(
                    f"{path}: {student} {lesson_id}: {got['passed']} of {got['total']} checks, "
                    f"hexahype grade {ref['passed']} of {ref['total']}"
                )
    return out


def test_every_path_gives_the_same_points(built: Built, batch: Batch) -> None:
    """One test reads the one graded batch, so that pytest-xdist never repeats it."""
    course = built.course
    ref = batch.points["grade-local"]
    assert set(ref) == set(STUDENTS), ref.keys()
    bad = []
    assert set(batch.points["grade-dask"]) == set(DASK_STUDENTS), batch.points["grade-dask"].keys()
    dask_ref = {s: ref[s] for s in DASK_STUDENTS}
    bad += mismatches(course, dask_ref, batch.points["grade-dask"], "grade-dask")
    for path in ("classroom50", "gradescope"):
        bad += mismatches(course, ref, batch.points[path], path)
    for student, lessons in batch.points["declarative"].items():
        sub = {student: {i: ref[student][i] for i in lessons}}
        bad += mismatches(course, sub, {student: lessons}, "declarative tests.json")
    assert not bad, "\n".join(bad)
    # what each submission must get
    full = {e.id: float(e.points) for e in course.entries}
    assert {i: v["points"] for i, v in ref["solved"].items()} == full
    assert sum(v["points"] for v in ref["solved"].values()) == sum(full.values())
    assert all(v["points"] == 0 for v in ref["untouched"].values()), ref["untouched"]
    ch1 = {e.id for e in course.entries if e.chapter.number == 1}
    assert all((v["points"] == full[i]) == (i in ch1) for i, v in ref["chapter1"].items()), ref[
        "chapter1"
    ]
    broken = ref["broken"]
    assert broken["1.2"]["points"] == broken["1.4"]["points"] == 0, broken
    assert broken["1.5"]["points"] == 0, broken  # it imports 1.4's module
    bug = broken["2.5"]
    assert 0 < bug["points"] < full["2.5"], bug
    intact = [i for i in full if i not in ("1.2", "1.4", "1.5", "2.5")]
    assert all(broken[i]["points"] == full[i] for i in intact), broken
    assert (
        ref["hang"]["1.3"]["points"] < full["1.3"] and ref["hang"]["2.6"]["points"] == full["2.6"]
    )
    ch3 = [e for e in course.entries if e.chapter.number == 3]
    assert all(ref["chapter3"][e.id]["points"] == full[e.id] > 0 for e in ch3), ref["chapter3"]
    # the learner's pytest and hexahype check: the visible part, the same counts as the
    # visible part of hexahype grade's gradebook
    visible = batch.visible
    learner = batch.points["learner"]
    for student in STUDENTS:
        for e in course.entries:
            got = learner[student]["lessons"].get(e.id)
            want = visible[student][e.id]
            if got is None or (got["passed"], got["total"]) != want:
                bad.append(f"learner pytest: {student} {e.id}: {got}, hexahype grade {want}")
        checked = learner[student]["check"]["lessons"].get("2.5")
        if checked is None or (checked["passed"], checked["total"]) != visible[student]["2.5"]:
            bad.append(f"hexahype check: {student} 2.5: {checked}, {visible[student]['2.5']}")
    assert not bad, "\n".join(bad)
    assert learner["broken"]["check"]["code"] == 0  # only 2.5's hidden checks catch its bug
    assert learner["untouched"]["check"]["code"] != 0


def test_score_rule_is_the_one_of_results(batch: Batch, built: Built) -> None:
    for student, lessons in batch.points["grade-local"].items():
        for lesson_id, v in lessons.items():
            assert v["points"] == score(v["max"], v["passed"], v["total"]), (student, lesson_id)


def test_a_bundle_missing_a_module_its_suites_import_fails_parity(
    built: Built, batch: Batch, tmp_path: Path
) -> None:
    """The parity check can fail: the bundle without one module the hidden suites import is
    refused by the bundle check, and run anyway it reports a grading error (exit 1, never a
    quiet grade) that the parity comparison names."""
    broken = tmp_path / "bundle"
    shutil.copytree(built.bundle_dir, broken)
    oracles = broken / bundle.KIT_DIR / "grader" / "instructor" / "oracles.py"
    oracles.unlink()
    files = {
        p.relative_to(broken).as_posix(): p.read_bytes() for p in broken.rglob("*") if p.is_file()
    }
    kit = [rel[len(bundle.KIT_DIR) + 1 :] for rel in files if rel.startswith(bundle.KIT_DIR)]
    found = imports.missing(
        files, bundle.suites(kit), files["requirements.txt"].decode(), bundle.KIT_DIR + "/"
    )
    assert any("grader.instructor.oracles" in line for line in found), found
    run = run_classroom50(built, broken, batch.repos["solved"], tmp_path)
    assert run["code"] == 1, run["log"][-2000:]
    assert "GRADING ERROR in lesson 2.5" in run["log"], run["log"][-2000:]
    assert "No module named 'grader.instructor.oracles'" in run["log"]
    got = {"solved": c50_points(run["doc"])}
    bad = mismatches(built.course, {"solved": batch.points["grade-local"]["solved"]}, got, "c50")
    assert any("solved 2.5" in line for line in bad), bad
    assert not any("solved 1.3" in line for line in bad), bad  # the other lessons unaffected


def test_grading_errors_are_never_points_lost(built: Built, batch: Batch) -> None:
    """No path reported a grading error for these submissions, and Classroom 50's declarative
    test of a solved lesson passes (exit 0) with every check counted."""
    for name in ("grade-local", "grade-dask"):
        assert "GRADING ERROR" not in batch.logs[name], batch.logs[name][-2000:]
    for lesson_id, run in batch.points["declarative"]["solved"].items():
        assert run["code"] == 0 and run["passed"] == run["total"] > 0, (lesson_id, run)


def test_every_lesson_has_the_one_declarative_command(built: Built, batch: Batch) -> None:
    """The declarative tests run (DECLARATIVE) stand for every lesson's: each lesson's `python`
    test is the same command, with its own lesson id and whole points only. The solved
    submission's runs of DECLARATIVE gave every check and the lesson's points."""
    tests = json.loads((built.out / "tests.json").read_text(encoding="utf-8"))
    by_lesson = {t["name"].split(" ", 1)[0]: t for t in tests[1:]}
    assert list(by_lesson) == [e.id for e in built.course.entries]
    shapes = {
        (t["type"], t["run"].removesuffix(f" --lesson {i}"), t["timeout"], t["failure-details"])
        for i, t in by_lesson.items()
    }
    assert len(shapes) == 1, shapes
    assert all(t["run"].endswith(f" --lesson {i}") for i, t in by_lesson.items())
    for e in built.course.entries:
        assert by_lesson[e.id]["points"] == whole_score(e.points, 1, 1), e.id
    ran = batch.points["declarative"]["solved"]
    assert {i for s, i in DECLARATIVE if s == "solved"} == set(ran)
    ref = batch.points["grade-local"]["solved"]
    for lesson_id, run in ran.items():
        assert (run["passed"], run["total"]) == (ref[lesson_id]["passed"], ref[lesson_id]["total"])
