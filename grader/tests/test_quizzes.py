"""The chapter quizzes (1.10, 2.7): their data, their answer keys, their visible tests, the
`hexahype quiz` verb and the sealed form that ships to students.

Where a question states a fact (a tokenizer's output, a sampling rule, a cost), the right choice
is recomputed here from the real component, so a stale key fails this file.
"""

from __future__ import annotations

import ast
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from grader import assets, cli, manifest, quizbank, runs
from grader.quizbank import LETTERS, Question, Quiz
from grader.testing import NotStarted

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
QUIZZES = list(COURSE.quizzes)
AGAIN = "to see the explanation and answer again"


def _quiz(entry: manifest.Lesson) -> Quiz:
    return quizbank.load_quiz(entry)


def _right(question: Question) -> str:
    (letter,) = [c.letter for c in question.choices if question.is_right(c.letter)]
    return letter


# -- facts: each check computes, from its input, the `value` of the right choice ---------------
def _token_count(text: str) -> int:
    return len(assets.cl100k().encode_ordinary(text))


def _pieces(text: str) -> list[str]:
    enc = assets.cl100k()
    return [enc.decode_single_token_bytes(i).decode("utf-8") for i in enc.encode_ordinary(text)]


def _special_in_user_text(text: str) -> str:
    enc = assets.cl100k()
    try:
        ids = enc.encode_ordinary(text)
    except ValueError:
        return "error"
    if not ids:
        return "dropped"
    if ids == [assets.cl100k_specials()[text]]:
        return "special id"
    assert enc.decode(ids) == text, "encode_ordinary did not round-trip the special string"
    return "ordinary tokens"


def _nucleus_size(spec: dict[str, Any]) -> int:
    probs = sorted(spec["probs"], reverse=True)
    total = 0.0
    for kept, prob in enumerate(probs, 1):
        total += prob
        if total >= spec["p"] - 1e-12:
            return kept
    return len(probs)


def _causal_score_ratio(spec: dict[str, Any]) -> int:
    def scores(t: int) -> int:  # query i sees keys 0..i: count them one query at a time
        return sum(i + 1 for i in range(t))

    return round(scores(spec["to_tokens"]) / scores(spec["from_tokens"]))


FACTS = {
    "cl100k_token_count": _token_count,
    "cl100k_pieces": _pieces,
    "cl100k_special_in_user_text": _special_in_user_text,
    "nucleus_size": _nucleus_size,
    "causal_score_ratio": _causal_score_ratio,
}
FACT_QUESTIONS = [
    pytest.param(entry, q, id=f"{entry.id}-{q.id}-{q.fact}")
    for entry in QUIZZES
    for q in _quiz(entry).questions
    if q.fact
]


# -- the data ---------------------------------------------------------------------------------
def test_every_chapter_has_one_quiz_with_its_files():
    # every chapter of the seed course ends with a quiz; an optional chapter (the capstone) has none
    wanted = [c.number for c in COURSE.chapters if not c.optional]
    assert [q.chapter.number for q in QUIZZES] == wanted
    for entry in QUIZZES:
        for role, path in entry.files().items():
            assert path.is_file(), f"quiz {entry.id}: {role} {path.name} is missing"


@pytest.mark.parametrize("entry", QUIZZES, ids=lambda e: e.id)
def test_quiz_has_six_questions_with_an_explanation_for_every_choice(entry):
    quiz = _quiz(entry)
    assert quiz.chapter == entry.package
    assert quiz.ids == list(quizbank.QUESTION_IDS), f"quiz {entry.id}: ids {quiz.ids}"
    for q in quiz.questions:
        assert [c.letter for c in q.choices] == list(LETTERS)
        assert q.prompt.strip() and q.topic.strip(), f"{entry.id} {q.id}: prompt and topic"
        texts = [c.text for c in q.choices]
        assert len(set(texts)) == 4, f"{entry.id} {q.id}: two choices read the same"
        for c in q.choices:
            assert len(c.explanation.split()) >= 8, f"{entry.id} {q.id}{c.letter}: explain more"


@pytest.mark.parametrize("entry", QUIZZES, ids=lambda e: e.id)
def test_answer_key_is_only_stored_as_salted_hashes(entry):
    raw = tomllib.loads(entry.quiz_path.read_text(encoding="utf-8"))
    quiz = _quiz(entry)
    for data, q in zip(raw["questions"], quiz.questions):
        assert set(data) <= {"id", "topic", "prompt", "key", "fact", "fact_input", "choices"}
        assert len(q.key) == 64 and all(ch in "0123456789abcdef" for ch in q.key)
        right = _right(q)
        assert q.key == quizbank.key_hash(entry.package, q.id, right)
        for c in q.choices:  # the salt binds a key to its chapter and question, not to the id
            assert quizbank.key_hash("ch9_other", q.id, c.letter) != q.key
            assert quizbank.key_hash(entry.id, q.id, c.letter) != q.key
    # The learner's file starts empty; only the reference answers name letters.
    assert json.loads(entry.exercise_path.read_text(encoding="utf-8")) == {"answers": {}}
    solution = json.loads(entry.solution_path.read_text(encoding="utf-8"))
    assert solution == {"answers": {q.id: _right(q) for q in quiz.questions}}


def test_right_letters_are_spread_over_the_choices():
    for entry in QUIZZES:
        letters = [_right(q) for q in _quiz(entry).questions]
        assert len(set(letters)) >= 3, f"quiz {entry.id}: right letters {letters}"


MAX_LONGEST_RIGHT = 2  # of the 6 questions of a quiz


def _right_is_longest(quiz: Quiz) -> list[str]:
    """The questions whose right choice is at least as long as every other one, as
    "q1 (c: 93 characters, the others 71, 62, 60)"."""
    found = []
    for q in quiz.questions:
        right = _right(q)
        others = [len(c.text) for c in q.choices if c.letter != right]
        if len(q.choice(right).text) >= max(others):
            lengths = ", ".join(map(str, others))
            found.append(
                f"{q.id} ({right}: {len(q.choice(right).text)} characters, the others {lengths})"
            )
    return found


@pytest.mark.parametrize("entry", QUIZZES, ids=lambda e: e.id)
def test_the_right_answer_is_rarely_the_longest_choice(entry):
    longest = _right_is_longest(_quiz(entry))
    assert len(longest) <= MAX_LONGEST_RIGHT, (
        f"quiz {entry.id}: the right answer is the longest choice in {len(longest)} of 6 "
        f"questions (at most {MAX_LONGEST_RIGHT} allowed), a giveaway: {'; '.join(longest)}. "
        "Shorten those right answers or give a wrong choice the same care."
    )


def test_the_length_rule_catches_quizzes_that_give_the_answer_away():
    raw = tomllib.loads(COURSE.get("1.10").quiz_path.read_text(encoding="utf-8"))
    quiz = _quiz(COURSE.get("1.10"))
    for data, q in zip(raw["questions"], quiz.questions):  # pad every right answer
        data["choices"][_right(q)]["text"] += " (which is the one correct reading here)" * 3
    padded = quizbank.parse_quiz(raw, "padded 1.10")
    assert len(_right_is_longest(padded)) == 6
    assert _right_is_longest(padded)[0].startswith("q1 (")


def test_chapter_one_quiz_checks_at_least_two_tokenizer_facts():
    facts = [q.fact for q in _quiz(COURSE.get("1.10")).questions if q.fact.startswith("cl100k")]
    assert len(facts) >= 2, facts


@pytest.mark.parametrize(("entry", "question"), FACT_QUESTIONS)
def test_fact_questions_key_matches_the_recomputed_answer(entry, question):
    assert question.fact in FACTS, f"{entry.id} {question.id}: unknown fact {question.fact!r}"
    value = FACTS[question.fact](question.fact_input)
    values = [c.value for c in question.choices]
    assert None not in values and len({json.dumps(v) for v in values}) == 4, (
        f"{entry.id} {question.id}: every choice of a fact question needs a distinct value"
    )
    matching = [c.letter for c in question.choices if c.value == value]
    assert len(matching) == 1, (
        f"{entry.id} {question.id}: {question.fact}({question.fact_input!r}) = {value!r}, "
        f"which matches choices {matching}"
    )
    assert question.is_right(matching[0]), (
        f"{entry.id} {question.id}: the stored key is stale; {question.fact} now gives {value!r} "
        f"(choice {matching[0]})"
    )


# -- the visible tests ------------------------------------------------------------------------
def _suite(impl: Path) -> dict[str, list[dict[str, Any]]]:
    code, doc, out = runs.run_suite(ROOT, [e.test_path for e in QUIZZES], impl, timeout=300)
    assert doc is not None, f"pytest did not run ({code}): {out[-400:]}"
    by_quiz: dict[str, list[dict[str, Any]]] = {}
    for t in doc.to_json()["tests"]:
        by_quiz.setdefault(t["lesson"], []).append(t)
    return by_quiz


def _impl_with(tmp_path: Path, answers: dict[str, dict[str, str]]) -> Path:
    impl = tmp_path / "impl"
    for entry in QUIZZES:
        path = impl / entry.package / entry.exercise_path.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"answers": answers.get(entry.id, {})}), encoding="utf-8")
    return impl


def test_reference_answers_pass_one_visible_test_per_question():
    got = _suite(ROOT / "solutions")
    for entry in QUIZZES:
        tests = got.get(entry.id, [])
        quiz = _quiz(entry)
        assert [t["status"] for t in tests] == ["passed"] * len(quiz.questions), tests
        for qid in quiz.ids:  # one parametrized test, one case per question
            assert sum(t["name"].endswith(f"::test_question[{qid}]") for t in tests) == 1, (
                qid,
                tests,
            )


@pytest.mark.parametrize("entry", QUIZZES, ids=lambda e: e.id)
def test_quiz_test_file_only_imports_the_shared_parametrized_test(entry):
    tree = ast.parse(entry.test_path.read_text(encoding="utf-8"))
    code = [node for node in tree.body if not isinstance(node, ast.Expr)]  # past the docstring
    assert [ast.unparse(node) for node in code] == ["from grader.quizcheck import test_question"], (
        f"{entry.test_path.name} should hold no test of its own and no quiz id"
    )


def test_empty_answers_read_not_started_and_wrong_ones_fail_without_the_key(tmp_path):
    quiz1 = _quiz(COURSE.get("1.10"))
    wrong = {
        q.id: next(c.letter for c in q.choices if not q.is_right(c.letter)) for q in quiz1.questions
    }
    got = _suite(_impl_with(tmp_path, {"1.10": wrong, "2.7": {}}))
    for t in got["2.7"]:
        assert t["status"] == "not started", t
        assert t["message"].startswith("not started: quiz 2.7: no answers recorded yet"), t
        assert "hexahype quiz 2" in t["message"]
    assert len(got["1.10"]) == 6
    for t, q in zip(got["1.10"], quiz1.questions):
        msg = t["message"]
        assert t["status"] == "failed", t
        assert q.id in t["name"] and f"quiz 1.10 {q.id}" in msg, msg
        assert f"'{wrong[q.id]}'" in msg and f"run hexahype quiz 1 {AGAIN}" in msg, msg
        right = _right(q)
        assert f"'{right}'" not in msg and q.choice(right).text not in msg, msg


def _doc(answers: Any) -> dict[str, Any]:
    return {"answers": answers}


def test_check_answer_reports_each_way_an_answer_can_be_missing_or_invalid():
    q1 = _quiz(COURSE.get("1.10")).question("q1")
    right = _right(q1)
    quizbank.check_answer(COURSE, "1.10", _doc({"q1": right.upper()}), "q1")  # case is forgiven
    with pytest.raises(NotStarted, match=r"^quiz 1\.10: no answers recorded yet"):
        quizbank.check_answer(COURSE, "1.10", {}, "q1")
    with pytest.raises(AssertionError, match=r"quiz 1\.10 q1 .*no answer recorded yet"):
        quizbank.check_answer(COURSE, "1.10", _doc({"q2": "a"}), "q1")
    with pytest.raises(AssertionError, match=r"the recorded answer 'e' is not one of a, b, c, d"):
        quizbank.check_answer(COURSE, "1.10", _doc({"q1": "e"}), "q1")
    with pytest.raises(AssertionError, match=r"quiz 1\.10: .* must hold"):
        quizbank.check_answer(COURSE, "1.10", _doc(["c"]), "q1")


# -- `hexahype quiz` on a temporary copy of the course ----------------------------------------
@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A copy of the course files the quiz verb needs, as HEXAHYPE_ROOT."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "course.toml", root / "course.toml")
    for entry in QUIZZES:
        for path in (entry.quiz_path, entry.exercise_path):
            dest = root / path.relative_to(ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
    monkeypatch.setenv("HEXAHYPE_ROOT", str(root))
    monkeypatch.setenv("COLUMNS", "2000")  # one line per paragraph, easy to search
    return manifest.load(root)


def _answers(course: manifest.Course, quiz_id: str) -> dict[str, str]:
    return json.loads(course.get(quiz_id).exercise_path.read_text(encoding="utf-8"))["answers"]


def test_quiz_answer_flags_record_answers_and_give_feedback(course_copy, capsys):
    real = COURSE.get("1.10").exercise_path.read_bytes()
    q1 = _quiz(course_copy.get("1.10")).question("q1")
    right = _right(q1)
    code = cli.main(["quiz", "1", "--answer", f"q1={right}", "--answer", "2=B"])
    out = capsys.readouterr().out
    assert code == 0
    assert _answers(course_copy, "1.10") == {"q1": right, "q2": "b"}
    assert "Right" in out and q1.choice(right).explanation in out
    assert cli.main(["quiz", "1", "--answer", "q2=a"]) == 0  # a new answer replaces the old
    assert _answers(course_copy, "1.10") == {"q1": right, "q2": "a"}
    assert COURSE.get("1.10").exercise_path.read_bytes() == real


@pytest.mark.parametrize("bad", ["q7=a", "q1=e", "q1", "x=a"])
def test_quiz_rejects_a_bad_question_or_letter_in_one_line(course_copy, capsys, bad):
    before = course_copy.get("1.10").exercise_path.read_bytes()
    code = cli.main(["quiz", "1", "--answer", "q2=a", "--answer", bad])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and bad in err, err
    assert course_copy.get("1.10").exercise_path.read_bytes() == before  # nothing recorded


def test_quiz_of_a_lesson_id_is_a_usage_error(course_copy, capsys):
    assert cli.main(["quiz", "1.3"]) == 2
    assert "not a quiz" in capsys.readouterr().err


def _script(monkeypatch, replies: list[str], end: type[BaseException] = EOFError) -> list[str]:
    prompts: list[str] = []

    def fake_input(prompt: str = "") -> str:
        prompts.append(prompt)
        if not replies:
            raise end()
        return replies.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)
    return prompts


def test_interactive_quiz_gives_feedback_allows_a_retry_and_saves_each_answer(
    course_copy, capsys, monkeypatch
):
    quiz = _quiz(course_copy.get("2.7"))
    q1, q2 = quiz.questions[:2]
    wrong = next(c.letter for c in q1.choices if not q1.is_right(c.letter))
    # q1: not a letter, then wrong, then right; q2: skipped; then the input ends.
    prompts = _script(monkeypatch, ["z", wrong, _right(q1), ""])
    code = cli.main(["quiz", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert _answers(course_copy, "2.7") == {"q1": _right(q1)}
    assert "Not quite" in out and "Right" in out and "Stopped" in out
    assert q1.choice(wrong).explanation in out and q1.choice(_right(q1)).explanation in out
    assert any(p.startswith("Try again") for p in prompts), prompts
    assert f"Question 2 of 6 · {q2.topic}" in out and q2.prompt in out
    assert f"Question 3 of 6 · {quiz.questions[2].topic}" in out


def test_interactive_quiz_keeps_answers_on_ctrl_c_and_skips_right_ones_next_time(
    course_copy, capsys, monkeypatch
):
    quiz = _quiz(course_copy.get("1.10"))
    _script(monkeypatch, [_right(quiz.questions[0])], end=KeyboardInterrupt)
    assert cli.main(["quiz", "1"]) == 130
    assert _answers(course_copy, "1.10") == {"q1": _right(quiz.questions[0])}
    assert "saved" in capsys.readouterr().out
    _script(monkeypatch, ["q"])
    assert cli.main(["quiz", "1"]) == 0
    out = capsys.readouterr().out
    assert "5 of 6 questions to answer" in out
    assert f"Question 1 of 5 · {quiz.questions[1].topic}" in out
    assert quiz.questions[0].prompt not in out


def test_show_summarises_progress(course_copy, capsys):
    quiz = _quiz(course_copy.get("1.10"))
    wrong = next(
        c.letter for c in quiz.questions[1].choices if not quiz.questions[1].is_right(c.letter)
    )
    answers = {"q1": _right(quiz.questions[0]), "q2": wrong}
    quizbank.record_answers(course_copy.get("1.10").exercise_path, answers)
    assert cli.main(["quiz", "1", "--show"]) == 0
    out = capsys.readouterr().out
    assert "1 of 6 right, 1 wrong, 4 unanswered" in out


def _list_line(capsys, quiz_id: str) -> str:
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    return next(line for line in out.splitlines() if line.startswith(quiz_id + " "))


def test_a_quiz_answered_six_of_six_shows_done_without_a_check(course_copy, capsys, monkeypatch):
    from grader.learner import dashboard, state

    quiz = _quiz(course_copy.get("1.10"))
    wrong = next(
        c.letter for c in quiz.questions[5].choices if not quiz.questions[5].is_right(c.letter)
    )
    five = [f"{q.id}={_right(q)}" for q in quiz.questions[:5]]
    assert cli.main(["quiz", "1", *[a for pair in five for a in ("--answer", pair)]]) == 0
    assert cli.main(["quiz", "1", "--answer", f"q6={wrong}"]) == 0
    assert "is done" not in capsys.readouterr().out
    assert "done" not in _list_line(capsys, "1.10")  # 5 of 6: still for the check to say
    # the last answer, given interactively: the quiz is done for list and the dashboard at once
    _script(monkeypatch, [_right(quiz.questions[5])])
    assert cli.main(["quiz", "1"]) == 0
    out = capsys.readouterr().out
    assert "Quiz 1.10 is done: 6 of 6 right." in out and "hexahype check" not in out
    assert "done ✓" in _list_line(capsys, "1.10")
    assert "not started" in _list_line(capsys, "2.7")  # the other quiz is untouched
    items = {i.lesson.id: i for i in dashboard.statuses(course_copy, fresh=True)}
    assert items["1.10"].status == "done" and (items["1.10"].passed, items["1.10"].total) == (6, 6)
    # a later wrong answer makes the record stale: the next refresh re-checks the quiz
    assert cli.main(["quiz", "1", "--answer", f"q6={wrong}"]) == 0
    saved = json.loads((course_copy.root / ".hexahype" / "state.json").read_text())["lessons"]
    assert saved["1.10"]["status"] == "done"
    assert saved["1.10"]["fingerprint"] != state.fingerprint(course_copy.get("1.10").exercise_path)


# -- the sealed form ---------------------------------------------------------------------------
@pytest.mark.parametrize("entry", QUIZZES, ids=lambda e: e.id)
def test_seal_round_trips_and_hides_the_explanations(entry):
    doc = json.loads(json.dumps(quizbank.seal(entry.quiz_path)))
    assert quizbank.parse_quiz(quizbank.unseal(doc)) == _quiz(entry)
    text = json.dumps(doc, ensure_ascii=False)
    for q, sealed in zip(_quiz(entry).questions, doc["questions"]):
        assert (sealed["key"], sealed["prompt"].strip()) == (q.key, q.prompt)  # shown as is
        for c in q.choices:
            assert sealed["choices"][c.letter]["text"].strip() == c.text
            clear = json.dumps(c.explanation[:40], ensure_ascii=False)[1:-1]
            assert clear not in text, f"{q.id}{c.letter}: explanation in clear"


def test_sealed_quiz_is_used_when_the_toml_is_absent(course_copy, tmp_path):
    entry = course_copy.get("1.10")
    sealed = quizbank.sealed_path(entry.quiz_path)
    sealed.write_text(json.dumps(quizbank.seal(entry.quiz_path)), encoding="utf-8")
    entry.quiz_path.unlink()
    assert quizbank.load_quiz(entry) == _quiz(COURSE.get("1.10"))
    right = json.loads(COURSE.get("1.10").solution_path.read_text(encoding="utf-8"))
    for qid in right["answers"]:
        quizbank.check_answer(course_copy, "1.10", right, qid)
    q1 = _quiz(COURSE.get("1.10")).question("q1")
    wrong = next(c.letter for c in q1.choices if not q1.is_right(c.letter))
    with pytest.raises(AssertionError, match=f"your answer '{wrong}' is not right"):
        quizbank.check_answer(course_copy, "1.10", {"answers": {"q1": wrong}}, "q1")
    sealed.write_text("{}", encoding="utf-8")
    with pytest.raises(quizbank.QuizError, match="not a sealed quiz"):
        quizbank.load_quiz(entry)
