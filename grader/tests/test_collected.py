"""A bundle's stored collection of the suites (grader/grading/collected.py): a runner that grades
one submission reads it instead of collecting, and only while it fits the suites it names.
test_parity.py runs the bundles that carry it on every platform path, and proves there that a
suite which cannot be imported on the runner still reads as a grading error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader import manifest
from grader.grading import batch, collected, harness


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    from grader.tests.conftest import copy_course

    root = copy_course(tmp_path_factory.mktemp("collected") / "course")
    return root, batch.stored_collection(manifest.load(root))


def _fresh(course: manifest.Course, lessons: list[manifest.Lesson], tmp: Path) -> tuple:
    return batch.collection(course, lessons, tmp)


def test_the_stored_collection_is_what_collecting_gives(
    stored: tuple[Path, bytes], tmp_path: Path
) -> None:
    root, data = stored
    course = manifest.load(root)
    lessons = batch.gradable(course)
    (root / collected.PATH).write_bytes(data)
    read = collected.read(course, lessons)
    assert read is not None
    expected, errors, docs = _fresh(course, lessons, tmp_path)
    assert read == (expected, errors, docs)
    assert sum(len(ids) for ids in expected.values()) > 500
    one = [course.get("2.5")]  # a declarative test's lesson: that lesson's part alone
    assert collected.read(course, one) == (
        {"2.5": expected["2.5"]}, {}, {k: v for k, v in docs.items() if "l05_context" in k[0]},
    )  # fmt: skip


def test_a_plan_reads_it_and_runs_no_collection(
    stored: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, data = stored
    (root / collected.PATH).write_bytes(data)
    course = manifest.load(root)

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("collected although the bundle holds the collection")

    monkeypatch.setattr(harness, "collect", refused)
    plan = batch.plan(course, batch.Options(limits=harness.Limits(test_timeout=3)))
    assert plan.expected["1.3"] and not plan.errors


@pytest.mark.parametrize("change", ["suite", "conftest", "pytest", "garbled"])
def test_a_stored_collection_that_no_longer_fits_is_ignored(
    stored: tuple[Path, bytes], tmp_path: Path, change: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, data = stored
    course = manifest.load(root)
    (root / collected.PATH).write_bytes(data)
    lesson = course.get("1.3")
    suite = lesson.hidden_test_path
    before = suite.read_text(encoding="utf-8")
    conftest = suite.parent / "conftest.py"
    assert not conftest.exists()
    try:
        if change == "suite":
            suite.write_text(before + "\n\ndef test_added_later():\n    pass\n", encoding="utf-8")
        elif change == "conftest":
            conftest.write_text("# a fixture file that the collection did not see\n")
        elif change == "pytest":
            monkeypatch.setattr(collected.pytest, "__version__", "0.0.1")
        else:
            doc = json.loads(data)
            doc["suites"][suite.relative_to(root).as_posix()]["ids"] = 3
            (root / collected.PATH).write_text(json.dumps(doc), encoding="utf-8")
        assert collected.read(course, [lesson]) is None
        if change == "suite":  # the plan collects, and sees the test the stored one lacks
            plan = batch.plan(course, batch.Options(limits=harness.Limits(test_timeout=3)), ["1.3"])
            assert any(i.endswith("::test_added_later") for i in plan.expected["1.3"])
    finally:
        suite.write_text(before, encoding="utf-8")
        conftest.unlink(missing_ok=True)


def test_a_course_whose_suite_cannot_be_collected_stores_nothing(tmp_path: Path) -> None:
    from grader.tests.conftest import copy_course

    root = copy_course(tmp_path / "course")
    course = manifest.load(root)
    suite = course.get("1.1").hidden_test_path
    suite.write_text("import hexahype_no_such_module\n" + suite.read_text(encoding="utf-8"))
    assert batch.stored_collection(course) == b""  # the runner collects, and names the error
