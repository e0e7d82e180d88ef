"""`hexahype generate`: text from the kit's trained GPT with chapter 2 code, and one clear line
when a lesson it needs is not done."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from grader import assets, cli

ROOT = Path(__file__).resolve().parents[2]
CH2 = (
    "l01_next_token",
    "l02_forward_pass",
    "l03_sampling",
    "l04_block",
    "l05_context",
    "l06_kv_cache",
)


def generate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["generate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def learner_copy(course_copy: Path, stub: str | None = None, broken: str | None = None) -> Path:
    """A course copy whose chapter 2 exercises are the reference solutions, except `stub`
    (left as the untouched stub) and `broken` (a syntax error)."""
    for name in CH2:
        if name != stub:
            shutil.copy2(
                ROOT / "solutions" / "ch2_transformer" / f"{name}.py",
                course_copy / "exercises" / "ch2_transformer" / f"{name}.py",
            )
    if broken:
        path = course_copy / "exercises" / "ch2_transformer" / f"{broken}.py"
        path.write_text(path.read_text(encoding="utf-8") + "\ndef oops(:\n", encoding="utf-8")
    return course_copy


def test_reference_continues_the_prompt(capsys):
    code, out, err = generate(capsys, "--reference", "-n", "30", "The for statement")
    assert code == 0, err
    assert err == ""
    assert out.startswith("The for statement") and len(out.strip()) > len("The for statement") + 20
    text = out[len("The for statement") :]
    assert text.count("\ufffd") <= len(text) // 20, (
        f"the continuation is mostly broken bytes: {out!r}"
    )


def test_reference_runs_without_torch(capsys):
    generate(capsys, "--reference", "-n", "3", "def")
    assert "torch" not in sys.modules


def test_the_seed_repeats_a_run_and_changes_it(capsys):
    runs = [
        generate(capsys, "--reference", "-n", "20", "--seed", seed, "The")[1]
        for seed in ("1", "1", "2")
    ]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_output_equals_uncached_generation_with_the_same_draws(capsys):
    """The verb decodes what generate_cached returns; the uncached loop gives the same ids."""
    from grader import loader, manifest

    course = manifest.load(ROOT)
    context = loader.load(course.get("2.5"), ROOT / "solutions")
    params, config = assets.load_model()
    prompt = "A class definition"
    us = [float(u) for u in np.random.default_rng(7).random(12)]
    ids = context.generate(
        params, assets.kit_encode(prompt), 12, config, us, temperature=0.9, top_k=20
    )
    code, out, err = generate(
        capsys,
        "--reference",
        "-n",
        "12",
        "--seed",
        "7",
        "--temperature",
        "0.9",
        "--top-k",
        "20",
        prompt,
    )
    assert code == 0, err
    assert out == prompt + assets.kit_decode(ids) + "\n"


def test_greedy_needs_no_draws_and_is_stable(capsys):
    a = generate(capsys, "--reference", "-n", "15", "--temperature", "0", "--seed", "1", "x = ")
    b = generate(capsys, "--reference", "-n", "15", "--temperature", "0", "--seed", "2", "x = ")
    assert a[0] == 0 and a[1] == b[1]


def test_untouched_stubs_name_the_first_lesson_in_one_line(capsys, monkeypatch, course_copy):
    monkeypatch.chdir(course_copy)
    code, out, err = generate(capsys, "The for statement")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "lesson 2.1 Inputs and outputs of a trained LLM is not done yet" in err, err
    assert "hexahype check 2.1" in err


def test_the_one_unfinished_lesson_is_named(capsys, monkeypatch, course_copy):
    monkeypatch.chdir(learner_copy(course_copy, stub="l04_block"))
    code, out, err = generate(capsys, "The for statement")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "lesson 2.4 Inside the transformer block is not done yet" in err, err
    assert "hexahype check 2.4" in err


def test_a_lesson_that_does_not_load_is_named(capsys, monkeypatch, course_copy):
    monkeypatch.chdir(learner_copy(course_copy, broken="l06_kv_cache"))
    code, out, err = generate(capsys, "The")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "lesson 2.6" in err and "syntax error" in err, err


def test_a_crash_in_learner_code_is_one_line_with_its_place(capsys, monkeypatch, course_copy):
    course = learner_copy(course_copy)
    path = course / "exercises" / "ch2_transformer" / "l04_block.py"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\ndef feed_forward(x, block):\n    return x @ block['w_out']\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(course)
    code, out, err = generate(capsys, "The")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "lesson 2.4" in err and "ValueError" in err and "l04_block.py, line" in err, err


def test_a_wrong_number_of_tokens_is_reported(capsys, monkeypatch, course_copy):
    course = learner_copy(course_copy)
    path = course / "exercises" / "ch2_transformer" / "l06_kv_cache.py"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n\ndef generate_cached(params, prompt, n_new, config, us, temperature=0.0,"
        " top_k=None, top_p=None):\n    return list(prompt) + [0] * n_new\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(course)
    code, out, err = generate(capsys, "-n", "5", "The for")
    assert code == 1 and out == ""
    assert "lesson 2.6 generate_cached returned" in err and "for 5 new tokens" in err, err


def test_finished_exercises_generate_like_the_reference(capsys, monkeypatch, course_copy):
    monkeypatch.chdir(learner_copy(course_copy))
    mine = generate(capsys, "-n", "10", "The for statement")
    monkeypatch.chdir(ROOT)
    ref = generate(capsys, "--reference", "-n", "10", "The for statement")
    assert mine[0] == 0, mine[2]
    assert mine[1] == ref[1]


@pytest.mark.parametrize("args", [["--top-p", "0"], ["--temperature", "-1"], ["-n", "0"], [""]])
def test_bad_arguments_are_one_line_and_status_2(capsys, args):
    code, out, err = generate(
        capsys, "--reference", *(args if args != [""] else []), *(["The"] if args != [""] else [""])
    )
    assert code == 2
    assert out == "" and len(err.strip().splitlines()) == 1, err


def test_a_long_prompt_is_cut_to_fit_the_context(capsys):
    prompt = "The for statement is used to iterate. " * 60
    code, out, err = generate(capsys, "--reference", "-n", "5", prompt)
    assert code == 0
    assert out.startswith(prompt)
    assert "cut to its last" in err


def test_reference_without_solutions_is_a_usage_error(capsys, monkeypatch, course_copy):
    shutil.rmtree(course_copy / "solutions")
    monkeypatch.chdir(course_copy)
    code, out, err = generate(capsys, "--reference", "The")
    assert code == 2 and out == ""
    assert "--reference needs the reference solutions" in err and len(err.strip().splitlines()) == 1
