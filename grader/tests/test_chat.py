"""`hexahype chat`: SmolLM2 answers with the chapter 3 code, streams, reports tokens/s, names an
unfinished lesson in one line, and `--check` compares a forward pass with transformers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader import cli, manifest
from grader.capstone import weights

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
QUESTION = "What is the capital of France?"


def chat(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["chat", *args])
    out, err = capsys.readouterr()
    return code, out, err


def hexahype(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader.cli", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=300,
    )


def solve(course: Path, *lesson_ids: str) -> None:
    """Copy the reference solutions of these lessons over the course copy's stubs."""
    for lid in lesson_ids:
        e = COURSE.get(lid)
        shutil.copy2(e.solution_path, course / e.exercise_path.relative_to(ROOT))


BEFORE_CH3 = ("1.4", "2.1", "2.2", "2.3", "2.4", "2.6")


@pytest.fixture(scope="module")
def weights_ready() -> None:
    if not (weights.cache_path() / "meta.json").is_file():
        pytest.fail("SmolLM2's weights are not fetched: run `make test` first")


def test_the_reference_answers_the_question_greedily(capsys, weights_ready):
    code, out, err = chat(capsys, "--reference", QUESTION)
    assert code == 0, err
    assert "Paris" in out, out
    assert out.endswith("\n") and "<|im_end|>" not in out
    last = err.strip().splitlines()[-1]
    assert last.startswith("hexahype chat: ") and "tokens/s" in last and "1 thread" in last, err


def test_the_same_seed_repeats_a_sampled_answer(capsys, weights_ready):
    args = ["--reference", "-n", "6", "--temperature", "0.9", "--top-k", "40"]
    a = chat(capsys, *args, "--seed", "3", "Name a colour.")[1]
    b = chat(capsys, *args, "--seed", "3", "Name a colour.")[1]
    assert a == b and a.strip()


def test_check_passes_on_the_reference(capsys, weights_ready):
    code, out, err = chat(capsys, "--reference", "--check")
    assert code == 0, out + err
    assert out.count("✓") == 3 and "your forward pass computes SmolLM2" in out


def test_check_names_the_wrong_rope_pairing(course_copy, weights_ready):
    solve(course_copy, *BEFORE_CH3, "3.1", "3.2", "3.3")
    wrong = ROOT / "grader/tests/misconceptions/ch3_real_model/l01_llama_parts/rope_rotate_half.py"
    target = course_copy / "exercises/ch3_real_model/l01_llama_parts.py"
    target.write_text(
        target.read_text(encoding="utf-8") + "\n" + wrong.read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    r = hexahype(course_copy, "chat", "--check")
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stdout.count("✗") == 3, r.stdout
    assert "wrong pairing" in r.stdout and "not yet" in r.stdout


def test_untouched_stubs_name_the_first_lesson_in_one_line(course_copy):
    r = hexahype(course_copy, "chat", QUESTION)
    assert r.returncode == 1
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("hexahype chat: lesson 1.4 Tokenizers in practice is not done yet")
    assert "hexahype check 1.4" in lines[0] and r.stdout == ""


def test_after_chapter_2_the_first_capstone_lesson_is_named(course_copy):
    solve(course_copy, *BEFORE_CH3)
    r = hexahype(course_copy, "chat", QUESTION)
    assert r.returncode == 1
    assert r.stderr.strip() == (
        "hexahype chat: lesson 3.1 What changed since GPT-2 is not done yet (rms_norm is not "
        "written yet); finish it, then run hexahype check 3.1"
    )


def test_a_crash_in_the_learners_step_is_one_line_with_its_place(course_copy):
    solve(course_copy, *BEFORE_CH3, "3.1", "3.2", "3.3")
    path = course_copy / "exercises/ch3_real_model/l03_chat.py"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\ndef forward_step(params, ids_new, cache, config):\n    return {}['oops']\n",
        encoding="utf-8",
    )
    r = hexahype(course_copy, "chat", QUESTION)
    assert r.returncode == 1
    line = r.stderr.strip()
    assert "\n" not in line and line.startswith("hexahype chat: lesson 3.3 Chatting with a real"), (
        r.stderr
    )
    assert "KeyError" in line and "exercises/ch3_real_model/l03_chat.py, line" in line


@pytest.mark.parametrize(
    "args, phrase",
    [
        ([], "ask a question"),
        (["  "], "ask a question"),
        (["-n", "0", "hi"], "-n must be at least 1"),
        (["--top-p", "2", "hi"], "--top-p must be in (0, 1]"),
        (["--threads", "0", "hi"], "--threads must be at least 1"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, args, phrase):
    code, out, err = chat(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and phrase in err, err


def test_chat_runs_without_torch(capsys, weights_ready):
    chat(capsys, "--reference", "-n", "2", "Hi")
    assert "torch" not in sys.modules
