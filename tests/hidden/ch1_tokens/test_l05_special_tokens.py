"""Hidden tests for lesson 1.5, Special tokens: encode_with_special against tiktoken's own
encode(allowed_special=..., disallowed_special="all") on the real cl100k_base and its five
special tokens; split_on_special against an independent regex oracle on overlapping specials;
add_bos_eos and pad_batch on edge cases and seeded random batches."""

import random
import re

import numpy as np
import pytest

from grader import assets
from grader.testing import call, explain, first_difference

EOT, PRE, MID, SUF, EOP = (
    "<|endoftext|>",
    "<|fim_prefix|>",
    "<|fim_middle|>",
    "<|fim_suffix|>",
    "<|endofprompt|>",
)
TEXTS = [
    f"Hello{EOT}World",
    f"{PRE}def f(x):{SUF}\n    return x{MID}",
    EOP,
    f"a{EOT}{EOT}b",
    f"{PRE}{MID}{SUF}",
    f"  x {EOT}\n\n y  {EOP} Привет 👍🏽",
    "no specials here, 日本語 I'll 👍🏽",
    "<|endoftext",
    "<|endoftext|",
    "<|endoftext||>",
    f"<{EOT}>",
    "",
]
ALLOWED = {
    "all": "all",
    "none": "none",
    "empty set": set(),
    "endoftext only": {EOT},
    "fim only": {PRE, MID, SUF},
}


def tiktoken_oracle(text, allowed):
    enc = assets.cl100k()
    spec = set() if allowed == "none" else allowed
    try:
        return enc.encode(text, allowed_special=spec, disallowed_special="all")
    except ValueError as exc:
        return exc


@pytest.mark.parametrize("label", list(ALLOWED))
@pytest.mark.parametrize("index", range(len(TEXTS)))
def test_encode_with_special_equals_tiktoken(special_tokens, label, index):
    text, allowed = TEXTS[index], ALLOWED[label]
    want = tiktoken_oracle(text, allowed)
    shown = call(
        "encode_with_special",
        text,
        "<cl100k ranks>",
        "<pattern>",
        "<cl100k specials>",
        allowed=allowed,
    )
    disallowed = [
        s
        for s in assets.cl100k_specials()
        if s in text and not (allowed == "all" or (isinstance(allowed, set) and s in allowed))
    ]
    try:
        got = special_tokens.encode_with_special(
            text, assets.cl100k_ranks(), assets.cl100k_pattern(), assets.cl100k_specials(), allowed
        )
    except ValueError as exc:
        assert isinstance(want, ValueError), (
            f"{shown} raised ValueError({str(exc)!r}); tiktoken encodes it as {want}."
        )
        assert any(s in str(exc) for s in disallowed), (
            f"{shown} raised ValueError({str(exc)!r}), which should name one of {disallowed}."
        )
        return
    assert not isinstance(want, ValueError), (
        f"{shown} returned {got!r}; tiktoken raises ValueError because {disallowed} "
        "is not allowed. Hint: a disallowed special in the text is an error, not text."
    )
    assert got == want, explain(shown, got, want, first_difference(got, want))


def test_encode_with_special_prefers_the_longer_special(special_tokens):
    ranks = {bytes([b]): b for b in range(256)}
    specials = {"<|a": 300, "<|ab|>": 301}
    got = special_tokens.encode_with_special("x<|ab|>y", ranks, r"\S+|\s+", specials, "all")
    assert got == [120, 301, 121], explain(
        call("encode_with_special", "x<|ab|>y", "<byte ranks>", r"\S+|\s+", specials, "all"),
        got,
        [120, 301, 121],
        "at the same position the longer special wins.",
    )


def test_encode_with_special_does_not_change_ordinary_text(special_tokens):
    enc = assets.cl100k()
    text = "Tokenizers in practice: 12345 déjà vu 你好 👨‍👩‍👧‍👦\n\n  end"
    for allowed in ("all", "none", {EOT}):
        got = special_tokens.encode_with_special(
            text, assets.cl100k_ranks(), assets.cl100k_pattern(), assets.cl100k_specials(), allowed
        )
        want = enc.encode_ordinary(text)
        assert got == want, explain(
            call("encode_with_special", "<text without specials>", allowed=allowed),
            got,
            want,
            first_difference(got, want),
        )


@pytest.mark.parametrize("allowed", ["ALL", "None", "", "endoftext"])
def test_encode_with_special_rejects_unknown_allowed_strings(special_tokens, allowed):
    try:
        got = special_tokens.encode_with_special(
            "hi", assets.cl100k_ranks(), assets.cl100k_pattern(), assets.cl100k_specials(), allowed
        )
    except ValueError:
        return
    pytest.fail(
        f"{call('encode_with_special', 'hi', allowed=allowed)} returned {got!r}; "
        'expected ValueError: only "all" and "none" are accepted as strings.',
        pytrace=False,
    )


# -- split_on_special against an independent oracle ------------------------------------------
def split_oracle(text, specials):
    """Python's re tries alternatives in order: longest first means the longer special wins at a
    position, and finditer takes the leftmost match."""
    if not specials:
        return [(text, False)] if text else []
    rx = re.compile("|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)))
    out, start = [], 0
    for m in rx.finditer(text):
        if m.start() > start:
            out.append((text[start : m.start()], False))
        out.append((m.group(), True))
        start = m.end()
    if start < len(text):
        out.append((text[start:], False))
    return out


def test_split_on_special_random_overlapping_specials(special_tokens):
    rng = random.Random(1505)
    specials = ["<|a|>", "<|a", "a|>", "<|ab|>", "b", "|>|"]
    fragments = ["<|", "|>", "a", "b", "c", " ", "<|a|>", "<|ab|>", "é", "\n"]
    for _ in range(300):
        text = "".join(rng.choice(fragments) for _ in range(rng.randint(0, 12)))
        chosen = rng.sample(specials, rng.randint(0, len(specials)))
        got = special_tokens.split_on_special(text, chosen)
        want = split_oracle(text, chosen)
        assert got == want, explain(
            call("split_on_special", text, chosen), got, want, first_difference(got, want)
        )


def test_split_on_special_with_real_specials(special_tokens):
    specials = list(assets.cl100k_specials())
    for text in TEXTS:
        got = special_tokens.split_on_special(text, specials)
        want = split_oracle(text, specials)
        assert got == want, explain(call("split_on_special", text, "<cl100k specials>"), got, want)


# -- add_bos_eos, pad_batch ------------------------------------------------------------------
def test_add_bos_eos_edge_cases(special_tokens):
    for ids, bos, eos, want in [
        ([], 7, 8, [7, 8]),
        ([], None, None, []),
        ([3], 3, 3, [3, 3, 3]),
        ([1, 2], 0, None, [0, 1, 2]),
        ([1, 2], None, 0, [1, 2, 0]),
    ]:
        got = special_tokens.add_bos_eos(list(ids), bos, eos)
        assert got == want and isinstance(got, list), explain(
            call("add_bos_eos", ids, bos, eos), got, want
        )


def pad_oracle(seqs, pad_id, side):
    width = max((len(s) for s in seqs), default=0)
    ids = [[pad_id] * width for _ in seqs]
    mask = [[0] * width for _ in seqs]
    for r, s in enumerate(seqs):
        offset = 0 if side == "right" else width - len(s)
        for c, t in enumerate(s):
            ids[r][offset + c], mask[r][offset + c] = t, 1
    return np.array(ids, dtype=np.int64).reshape(len(seqs), width), np.array(
        mask, dtype=np.int64
    ).reshape(len(seqs), width)


@pytest.mark.parametrize("side", ["right", "left"])
def test_pad_batch_random_batches(special_tokens, side):
    rng = random.Random(15 if side == "right" else 51)
    for _ in range(50):
        pad_id = rng.choice([0, -1, 100257, 3])
        seqs = [
            [rng.choice([0, 3, 7, 100257, 42]) for _ in range(rng.randint(0, 9))]
            for _ in range(rng.randint(1, 6))
        ]
        got_ids, got_mask = special_tokens.pad_batch(seqs, pad_id, side)
        want_ids, want_mask = pad_oracle(seqs, pad_id, side)
        shown = call("pad_batch", seqs, pad_id, side)
        assert (
            np.array_equal(np.asarray(got_ids), want_ids) and np.shape(got_ids) == want_ids.shape
        ), explain(shown + "[0]", np.asarray(got_ids).tolist(), want_ids.tolist())
        assert (
            np.array_equal(np.asarray(got_mask), want_mask)
            and np.shape(got_mask) == want_mask.shape
        ), explain(shown + "[1]", np.asarray(got_mask).tolist(), want_mask.tolist())


def test_pad_batch_of_empty_sequences(special_tokens):
    ids, mask = special_tokens.pad_batch([[], []], 0)
    assert np.shape(ids) == (2, 0) and np.shape(mask) == (2, 0), explain(
        call("pad_batch", [[], []], 0), (ids, mask), expected_text="two arrays of shape (2, 0)"
    )


def test_pad_batch_single_sequence_has_no_padding(special_tokens):
    ids, mask = special_tokens.pad_batch([[5, 0, 5]], 0, "left")
    assert np.array_equal(ids, [[5, 0, 5]]) and np.array_equal(mask, [[1, 1, 1]]), explain(
        call("pad_batch", [[5, 0, 5]], 0, "left"),
        (ids, mask),
        expected_text="([[5, 0, 5]], [[1, 1, 1]])",
    )
