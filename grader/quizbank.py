"""Chapter quizzes as data: questions, choices, explanations and a hashed answer key.

A quiz lives in `lessons/<chapter>/<id>-chapter-quiz.toml`:

    chapter = "ch1_tokens"
    title = "Tokenization & Embeddings"

    [[questions]]
    id = "q1"
    topic = "byte pair encoding"
    prompt = "..."
    key = "<sha256 of 'hexahype-quiz:ch1_tokens:q1:<right letter>'>"
    fact = "cl100k_token_count"        # optional: the kit's tests recompute this answer
    fact_input = " strawberry"

    [questions.choices.a]
    text = "..."
    explanation = "..."                # why this choice is right or wrong
    value = 1                          # optional, what a fact check compares with

The right letter never appears in clear text: the key is `key_hash(chapter, question, letter)`,
and a letter is right when its hash equals the key. The key is bound to the chapter package, not
to the quiz's id (its position), so a quiz keeps its keys when a lesson is added before it.
`seal()` turns the TOML into the form that ships to students (explanations encoded, hashes
kept); `load_quiz()` reads either form.

The learner's answers are `exercises/<chapter>/qNN_quiz.json`, `{"answers": {"q1": "b", ...}}`,
written by `hexahype quiz N` and checked by the visible tests through `check_answer()`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from .files import write_json
from .manifest import Lesson
from .testing import NotStarted

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

LETTERS = ("a", "b", "c", "d")
QUESTION_IDS = tuple(f"q{i}" for i in range(1, 7))  # every chapter quiz: six questions, q1-q6
SALT = "hexahype-quiz"
SEALED_FORMAT = "hexahype-sealed-quiz"
SEALED_VERSION = 1
# The feedback every front end of a quiz gives (`hexahype quiz` and the site's quiz pages).
RIGHT = "✓ Right."
NOT_QUITE = "✗ Not quite."


class QuizError(ValueError):
    """A quiz file or an answers file is missing or malformed (one clear line)."""


def key_hash(chapter: str, question_id: str, letter: str) -> str:
    """The stored key for a right answer: sha256 of `hexahype-quiz:<chapter>:<question>:<letter>`,
    where <chapter> is the chapter package (`ch1_tokens`)."""
    return hashlib.sha256(f"{SALT}:{chapter}:{question_id}:{letter}".encode()).hexdigest()


@dataclass(frozen=True)
class Choice:
    letter: str
    text: str
    explanation: str
    value: Any = None


@dataclass(frozen=True)
class Question:
    chapter: str
    id: str
    topic: str
    prompt: str
    choices: tuple[Choice, ...]
    key: str
    fact: str = ""
    fact_input: Any = None

    def choice(self, letter: str) -> Choice:
        for c in self.choices:
            if c.letter == letter:
                return c
        raise KeyError(letter)

    def is_right(self, letter: str) -> bool:
        return key_hash(self.chapter, self.id, letter) == self.key


@dataclass(frozen=True)
class Quiz:
    chapter: str  # the chapter package: what the keys are bound to
    title: str
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    @property
    def ids(self) -> list[str]:
        return [q.id for q in self.questions]


# -- reading ----------------------------------------------------------------------------------
def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuizError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def parse_quiz(data: dict[str, Any], where: str = "quiz") -> Quiz:
    """Build and validate a Quiz from parsed TOML (or an unsealed dict). Raises QuizError."""
    chapter = _text(data, "chapter", where)
    questions: list[Question] = []
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuizError(f"{where}: needs a non-empty [[questions]] list")
    for raw in raw_questions:
        qid = _text(raw, "id", where)
        w = f"{where} {qid}"
        if qid in (q.id for q in questions):
            raise QuizError(f"{w}: duplicate question id")
        raw_choices = raw.get("choices")
        if not isinstance(raw_choices, dict) or sorted(raw_choices) != list(LETTERS):
            raise QuizError(f"{w}: needs exactly the choices {', '.join(LETTERS)}")
        choices = tuple(
            Choice(
                letter=letter,
                text=_text(raw_choices[letter], "text", f"{w} choice {letter}"),
                explanation=_text(raw_choices[letter], "explanation", f"{w} choice {letter}"),
                value=raw_choices[letter].get("value"),
            )
            for letter in LETTERS
        )
        key = _text(raw, "key", w)
        question = Question(
            chapter=chapter,
            id=qid,
            topic=str(raw.get("topic", "")).strip(),
            prompt=_text(raw, "prompt", w),
            choices=choices,
            key=key,
            fact=str(raw.get("fact", "")).strip(),
            fact_input=raw.get("fact_input"),
        )
        right = [c.letter for c in choices if question.is_right(c.letter)]
        if len(right) != 1:
            raise QuizError(f"{w}: the key matches {len(right)} choices, not exactly one")
        questions.append(question)
    return Quiz(
        chapter=chapter, title=str(data.get("title", "")).strip(), questions=tuple(questions)
    )


def _encode(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _decode(blob: str) -> str:
    return zlib.decompress(base64.b64decode(blob)).decode("utf-8")


def unseal(data: dict[str, Any]) -> dict[str, Any]:
    """The inverse of `seal()`: the quiz dict with explanations decoded."""
    if data.get("format") != SEALED_FORMAT or data.get("version") != SEALED_VERSION:
        raise QuizError(f"not a sealed quiz (format {SEALED_FORMAT!r} v{SEALED_VERSION})")
    out = {k: v for k, v in data.items() if k not in ("format", "version")}
    questions = []
    for q in data.get("questions", []):
        q = dict(q)
        choices = {}
        for letter, c in q.get("choices", {}).items():
            c = dict(c)
            if "explanation" in c:
                c["explanation"] = _decode(c["explanation"])
            choices[letter] = c
        q["choices"] = choices
        questions.append(q)
    out["questions"] = questions
    return out


def seal(quiz_toml_path: str | Path) -> dict[str, Any]:
    """The student-facing form of a quiz TOML, as a JSON-ready dict.

    Prompts and choice texts stay readable (the quiz shows them); every explanation becomes
    base64(zlib(utf-8)), so the right choice is not readable at a glance; the answer key stays a
    salted sha256 (`key_hash`), exactly as in the TOML. The student-template builder writes it
    next to the TOML's place and ships it instead of the TOML:

        doc = seal("lessons/ch1_tokens/1.10-chapter-quiz.toml")
        write_json(sealed_path(toml_path), doc)   # lessons/ch1_tokens/1.10-chapter-quiz.json

    `load_quiz()` reads the sealed form whenever the TOML is absent, and
    `parse_quiz(unseal(doc))` equals the quiz parsed from the TOML. Raises QuizError when the
    TOML is not a valid quiz.
    """
    path = Path(quiz_toml_path)
    data = _read_toml(path)
    parse_quiz(data, path.name)  # refuse to seal a broken quiz
    out: dict[str, Any] = {"format": SEALED_FORMAT, "version": SEALED_VERSION}
    out.update({k: v for k, v in data.items() if k != "questions"})
    out["questions"] = [
        {
            **{k: v for k, v in q.items() if k != "choices"},
            "choices": {
                letter: {**c, "explanation": _encode(c["explanation"].strip())}
                for letter, c in q["choices"].items()
            },
        }
        for q in data["questions"]
    ]
    return out


def sealed_path(quiz_toml_path: Path) -> Path:
    """Where the sealed form lives: the TOML's path with `.json`."""
    return quiz_toml_path.with_suffix(".json")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except FileNotFoundError:
        raise QuizError(f"{path.name} is missing") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuizError(f"{path.name} is not valid TOML: {exc}") from None


def load_quiz_file(path: Path) -> Quiz:
    """Read a quiz from its TOML or from its sealed JSON form (by the file's suffix)."""
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise QuizError(f"{path.name} is missing") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise QuizError(f"{path.name} is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise QuizError(f"{path.name} must hold a JSON object")
        try:
            return parse_quiz(unseal(data), path.name)
        except (KeyError, TypeError, ValueError, zlib.error) as exc:
            if isinstance(exc, QuizError):
                raise QuizError(f"{path.name}: {exc}") from None
            raise QuizError(f"{path.name} is not a valid sealed quiz: {exc}") from None
    return parse_quiz(_read_toml(path), path.name)


_CACHE: dict[Path, tuple[int, Quiz]] = {}


def load_quiz(entry: Lesson) -> Quiz:
    """The questions of a quiz entry: its TOML in the kit, or its sealed JSON in a student
    copy. Cached by path and modification time. Raises QuizError."""
    path = entry.quiz_path
    if not path.exists() and sealed_path(path).exists():
        path = sealed_path(path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise QuizError(f"quiz {entry.id} has no questions yet ({path.name} is missing)") from None
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    quiz = load_quiz_file(path)
    if quiz.chapter != entry.package:
        raise QuizError(
            f"{path.name} says chapter = {quiz.chapter!r}, but course.toml puts quiz {entry.id} "
            f"in {entry.package!r}"
        )
    _CACHE[path] = (mtime, quiz)
    return quiz


def score_line(right: int, wrong: int, unanswered: int) -> str:
    """A quiz's score as every front end shows it: `4 of 6 right, 1 wrong, 1 unanswered`."""
    line = f"{right} of {right + wrong + unanswered} right"
    if wrong:
        line += f", {wrong} wrong"
    if unanswered:
        line += f", {unanswered} unanswered"
    return line


# -- the learner's answers ---------------------------------------------------------------------
def answers_of(doc: Any, where: str) -> dict[str, str]:
    """The `answers` mapping of an answers document; QuizError when it has the wrong shape."""
    if not isinstance(doc, dict) or not isinstance(doc.get("answers", {}), dict):
        raise QuizError(f'{where} must hold {{"answers": {{"q1": "a", ...}}}}')
    return {str(k): v for k, v in doc.get("answers", {}).items()}


def read_answers(path: Path) -> dict[str, Any]:
    """The whole answers document at `path` (`{"answers": {}}` when the file is missing)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"answers": {}}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise QuizError(
            f"{path.name} is not valid JSON ({exc}); fix it, or delete it to start over"
        ) from None
    answers_of(doc, path.name)
    doc.setdefault("answers", {})
    return cast(dict[str, Any], doc)


def record_answers(path: Path, updates: dict[str, str]) -> dict[str, Any]:
    """Merge `updates` into the answers file at `path`, written atomically; return the doc."""
    doc = read_answers(path)
    doc["answers"].update(updates)
    write_json(path, doc)
    return doc


def check_answer(course: Any, quiz_id: str, doc: Any, question_id: str) -> None:
    """The visible test of one question: pass when the recorded answer is right.

    No answer recorded at all raises NotStarted ("quiz 1.10: ..."), reported as not started.
    A wrong, invalid or missing answer fails with a message that names the question and the
    letter given, never the right one."""
    entry = course.get(quiz_id)
    chapter = entry.chapter.number
    again = f"run hexahype quiz {chapter} to see the explanation and answer again"
    try:
        answers = answers_of(doc, entry.exercise_path.name)
    except QuizError as exc:
        raise AssertionError(f"quiz {quiz_id}: {exc}; run hexahype quiz {chapter}") from None
    if not answers:
        raise NotStarted(f"quiz {quiz_id}: no answers recorded yet; run hexahype quiz {chapter}")
    question = load_quiz(entry).question(question_id)
    name = f"quiz {quiz_id} {question_id}" + (f" ({question.topic})" if question.topic else "")
    given = answers.get(question_id)
    if given is None:
        raise AssertionError(
            f"{name}: no answer recorded yet; run hexahype quiz {chapter} to answer it"
        )
    letter = str(given).strip().lower()
    if letter not in LETTERS:
        raise AssertionError(
            f"{name}: the recorded answer {given!r} is not one of {', '.join(LETTERS)}; {again}"
        )
    if not question.is_right(letter):
        raise AssertionError(f"{name}: your answer {letter!r} is not right; {again}")


def main(argv: list[str] | None = None) -> int:
    """Maintainers: `python -m grader.quizbank hash ch1_tokens q3 b` prints a key;
    `python -m grader.quizbank seal QUIZ.toml` prints the sealed JSON."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 4 and args[0] == "hash":
        print(key_hash(args[1], args[2], args[3]))
        return 0
    if len(args) == 2 and args[0] == "seal":
        print(json.dumps(seal(args[1]), indent=2, ensure_ascii=False, sort_keys=True))
        return 0
    print(
        "usage: python -m grader.quizbank hash CHAPTER QUESTION LETTER | seal QUIZ.toml",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
