"""The course itself: every authored solution passes its visible and hidden tests, every
untouched stub fails all of them as "not started", every misconception in the bank is caught,
every lesson's code blocks run and print what the text shows, and `verify`'s structural checks
pass. Slow checks run once for the whole course, then report per lesson."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader import lessontext as markdown
from grader import manifest, runs
from grader.authoring import verify
from grader.diagnosis import known

from .test_float_robustness import EXACT_CATCHES, fragile_catch

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
AUTHORED = [e for e in COURSE.entries if e.authored]
LESSONS = [e for e in AUTHORED if e.is_lesson]
BANK = [(e, p) for e in LESSONS for p in verify.misconceptions(e)]


def _by_lesson(doc: dict | None) -> dict[str, list[dict]]:
    assert doc is not None, "pytest did not write results.json"
    out: dict[str, list[dict]] = {}
    for t in doc["tests"]:
        out.setdefault(t["lesson"], []).append(t)
    return out


@pytest.fixture(scope="module")
def solution_results() -> dict[str, list[dict]]:
    _, doc, out = runs.run_suite(ROOT, runs.test_files(AUTHORED, hidden=True), ROOT / "solutions")
    assert doc is not None, out[-2000:]
    return _by_lesson(doc.to_json())


@pytest.fixture(scope="module")
def stub_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    stubs = tmp_path_factory.mktemp("stubs") / "exercises"
    shutil.copytree(ROOT / "exercises", stubs, ignore=shutil.ignore_patterns("__pycache__"))
    for q in COURSE.quizzes:  # the committed answer files are the untouched quiz "stubs"
        assert q.exercise_path.read_text(encoding="utf-8").strip() == '{"answers": {}}'
    _, doc, out = runs.run_suite(ROOT, runs.test_files(AUTHORED, hidden=True), stubs)
    assert doc is not None, out[-2000:]
    return _by_lesson(doc.to_json())


def test_the_whole_course_is_authored():
    missing = [e.id for e in COURSE.entries if not e.authored]
    assert not missing, f"entries without files: {missing}"


def test_course_structure_passes_verify():
    report = verify.verify(COURSE, quick=True)
    assert report.ok, "\n".join(report.problems)


@pytest.mark.parametrize("entry", AUTHORED, ids=lambda e: e.id)
def test_solution_passes_every_visible_and_hidden_test(entry, solution_results):
    tests = solution_results.get(entry.id, [])
    hidden = [t for t in tests if t["hidden"]]
    assert tests, f"no test of {entry.id} ran against the solution"
    assert hidden or entry.is_quiz, f"{entry.id} has no hidden tests"
    failing = [f"{t['name']}: {t['message']}" for t in tests if t["status"] != "passed"]
    assert not failing, "\n".join(failing)


@pytest.mark.parametrize("entry", AUTHORED, ids=lambda e: e.id)
def test_untouched_stub_fails_every_test_as_not_started(entry, stub_results):
    tests = stub_results.get(entry.id, [])
    assert tests, f"no test of {entry.id} ran against the stub"
    wrong = [
        f"{t['name']}: {t['status']} {t['message']}" for t in tests if t["status"] != "not started"
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_every_lesson_has_a_misconception_bank(entry):
    least = verify.MIN_OPTIONAL_MISCONCEPTIONS if entry.optional else verify.MIN_MISCONCEPTIONS
    assert len(verify.misconceptions(entry)) >= least


@pytest.mark.parametrize("entry, path", BANK, ids=[f"{e.id}-{p.stem}" for e, p in BANK])
def test_misconception_is_caught_and_named_by_the_visible_tests(entry, path):
    run = verify.run_misconception(entry, path)
    assert run.caught, f"{entry.id} {path.stem}: no visible test fails ({run.first})"
    assert run.named, (
        f"{entry.id} {path.stem}: the first failing message {run.first!r} names neither "
        f"{run.expect!r} nor the explanation {run.explanation!r}"
    )
    stale = verify.stale_diagnoses([run], known.load())
    assert not stale, f"{stale[0]}: run `hexahype verify --update-diagnoses`"
    # the catch does not rest on a float's last bits (unless exact by construction)
    assert fragile_catch(run.rows) == (run.key in EXACT_CATCHES), (
        f"{run.key}: every failing check saw a result within the diagnosis tolerance of the "
        f"expected value, so another machine might pass it: {run.rows[:1]}"
        if run.key not in EXACT_CATCHES
        else f"{run.key} is listed in EXACT_CATCHES but is caught by a margin now"
    )


def test_diagnosis_data_lists_exactly_the_bank():
    data = known.load()
    keys = {verify.misconception_key(e, p) for e, p in BANK}
    assert set(data["mistakes"]) == keys, (
        "grader/data/diagnoses.json is stale: run `hexahype verify --update-diagnoses` "
        f"(missing {sorted(keys - set(data['mistakes']))[:3]}, "
        f"extra {sorted(set(data['mistakes']) - keys)[:3]})"
    )
    for e, p in BANK:
        key = verify.misconception_key(e, p)
        assert data["mistakes"][key] == known.explanation(p.read_text(encoding="utf-8")), key


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_lesson_code_blocks_run_and_print_what_the_text_shows(entry):
    problems = markdown.run_blocks(entry.text_path, ROOT, ROOT / "solutions")
    assert not problems, "\n".join(problems)
    assert markdown.blocks(entry.text_path.read_text(encoding="utf-8")), f"{entry.id} has no code"
