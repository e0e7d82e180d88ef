"""course.toml: the seed outline, derived paths, and the rules the manifest enforces."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from grader import manifest

# The seed outline: (id, title, reading minutes), in teaching order. A copy of the course's
# outline as first specified. It is pinned on purpose, in this one test: every other test of the
# kit takes counts and ids from course.toml, so a new lesson only needs this list updated.
SEED = [
    ("1.1", "Why models need numbers", 3),
    ("1.2", "What is a token?", 4),
    ("1.3", "Byte pair encoding", 7),
    ("1.4", "Tokenizers in practice", 6),
    ("1.5", "Special tokens", 4),
    ("1.6", "From token IDs to vectors", 6),
    ("1.7", "Measuring similarity", 5),
    ("1.8", "Position matters", 4),
    ("1.9", "Why LLMs act the way they do", 5),
    ("1.10", "Chapter quiz", 4),
    ("2.1", "Inputs and outputs of a trained LLM", 4),
    ("2.2", "Components of the forward pass", 4),
    ("2.3", "Sampling and decoding", 6),
    ("2.4", "Inside the transformer block", 7),
    ("2.5", "Parallel processing and context size", 5),
    ("2.6", "Speeding up generation with the KV cache", 5),
    ("2.7", "Chapter quiz", 4),
]
# The optional capstone after the seed outline: not part of its "N of 15".
CAPSTONE = [
    ("3.1", "What changed since GPT-2", 7),
    ("3.2", "The Llama block and the full model", 7),
    ("3.3", "Chatting with a real model", 6),
]


def test_manifest_lists_the_seed_outline_in_order(real_course):
    got = [(e.id, e.title, e.minutes) for e in real_course.entries if not e.optional]
    assert got == SEED
    assert [q.id for q in real_course.quizzes] == ["1.10", "2.7"]
    core = [e for e in real_course.entries if not e.optional]
    assert (len(real_course.core_lessons), len(core)) == (15, 17)  # "0 of 15 read"


def test_the_capstone_is_optional_and_ungraded_until_enabled(real_course):
    extra = [e for e in real_course.entries if e.optional]
    assert [(e.id, e.title, e.minutes) for e in extra] == CAPSTONE
    assert real_course.entries[-len(extra) :] == tuple(extra)  # after the seed outline
    chapter = extra[0].chapter
    assert chapter.optional and not chapter.graded
    assert all(e.points == 0 and e.is_lesson for e in extra)
    assert len(real_course.lessons) == 15 + len(extra)


def test_an_instructor_enables_the_capstones_points(real_course):
    data = copy.deepcopy(_data(real_course))
    data["chapters"][2]["graded"] = True
    course = manifest.parse(data, real_course.root)
    listed = [raw["points"] for raw in data["chapters"][2]["lessons"]]
    assert [e.points for e in course.entries if e.optional] == listed and all(listed)
    assert len(course.core_lessons) == 15


def test_every_entry_has_summary_points_and_tasks(real_course):
    for e in real_course.entries:
        assert e.summary.endswith("."), f"{e.id}: summary should be one sentence"
        assert e.points > 0 or (e.optional and not e.chapter.graded)
        if e.is_lesson:
            assert e.tasks, f"{e.id} has no tasks"


def test_paths_follow_the_naming_convention(real_course):
    bpe = real_course.get("1.3")
    rel = {role: p.relative_to(real_course.root).as_posix() for role, p in bpe.files().items()}
    assert rel == {
        "lesson text": "lessons/ch1_tokens/1.3-byte-pair-encoding.md",
        "exercise": "exercises/ch1_tokens/l03_bpe.py",
        "solution": "solutions/ch1_tokens/l03_bpe.py",
        "visible tests": "tests/ch1_tokens/test_l03_bpe.py",
        "hidden tests": "tests/hidden/ch1_tokens/test_l03_bpe.py",
    }
    assert bpe.fixture == "bpe"
    assert real_course.get("1").id == "1.10"
    assert real_course.for_test_file("tests/hidden/ch1_tokens/test_l03_bpe.py") is bpe
    assert real_course.for_test_file("tests/ch2_transformer/test_l03_bpe.py") is None


def test_unknown_id_names_the_known_ones(real_course):
    with pytest.raises(KeyError, match=r"unknown lesson id '9\.9'.*1\.3"):
        real_course.get("9.9")


def _data(real_course):
    import tomllib

    return tomllib.loads((real_course.root / "course.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["chapters"][0]["lessons"][1].update(id="1.1"), "duplicate id"),
        (lambda d: d["chapters"][0]["lessons"][0].update(id="2.1"), "id must look like '1.N'"),
        (lambda d: d["chapters"][0]["lessons"][0].update(module="ch1_tokens.numbers"), "module"),
        (lambda d: d["chapters"][0]["lessons"][0].update(requires=["1.3"]), "not an earlier entry"),
        (lambda d: d["chapters"][0]["lessons"][0].update(slug="Why Numbers"), "slug"),
        (lambda d: d["chapters"][0]["lessons"][0].update(tasks=[]), "at least one task"),
        (lambda d: d["chapters"][0]["lessons"][0].update(points="ten"), "wrong type"),
        (lambda d: d["chapters"][0]["lessons"][0].pop("title"), "missing key 'title'"),
        (lambda d: d["chapters"][0]["lessons"][0].update(kind="exam"), "kind must be"),
        (lambda d: d["chapters"][2].update(optional="yes"), "'optional' must be true or false"),
        (lambda d: d["chapters"][0].update(graded=True), "for optional chapters only"),
        (lambda d: d["chapters"][2]["lessons"][0].update(points=0), "must be positive"),
    ],
)
def test_bad_manifests_are_rejected_naming_the_entry(real_course, mutate, message):
    data = copy.deepcopy(_data(real_course))
    mutate(data)
    with pytest.raises(manifest.ManifestError, match="course.toml") as info:
        manifest.parse(data, real_course.root)
    assert message in str(info.value)


def test_find_root_walks_up_and_explains_a_miss(real_course, tmp_path):
    deep = real_course.root / "lessons" / "ch1_tokens"
    assert manifest.find_root(deep) == real_course.root
    with pytest.raises(manifest.ManifestError, match="no course.toml"):
        manifest.find_root(tmp_path)


def test_invalid_toml_is_one_clear_error(tmp_path: Path):
    (tmp_path / "course.toml").write_text("[course\nname = 1", encoding="utf-8")
    with pytest.raises(manifest.ManifestError, match="not valid TOML"):
        manifest.load(tmp_path)
