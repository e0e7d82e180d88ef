"""Visible tests for lesson 1.5, Special tokens: tiny cases first, then the pinned conventions,
then properties. The `special_tokens` fixture is your exercises/ch1_tokens/l05_special_tokens.py.

encode_with_special reuses your encode_with_ranks from lesson 1.4, with a tiny hand-made
tokenizer (256 byte tokens and ten merges) so that every expected answer can be checked by hand.
"""

import numpy as np
import pytest

from grader.testing import call, expect_unchanged, explain

PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
MERGED = [b"o ", b"ll", b"he", b"llo", b" w", b"or", b" wor", b"ld", b"bc", b"ab"]
RANKS = {bytes([b]): b for b in range(256)} | {tok: 256 + i for i, tok in enumerate(MERGED)}
HE, LLO, WOR, LD = 258, 259, 262, 263  # "hello world" -> he llo " wor" ld
EOT, PAD = "<|eot|>", "<|pad|>"
SPECIALS = {EOT: 300, PAD: 301}


def encode(special_tokens, text, allowed):
    return special_tokens.encode_with_special(text, RANKS, PATTERN, SPECIALS, allowed)


def expect_value_error(fn, call_text, name=None, hint=""):
    """Run fn(); it must raise ValueError (naming `name` if given)."""
    try:
        got = fn()
    except ValueError as exc:
        if name is not None:
            assert name in str(exc), (
                f"{call_text} raised ValueError({str(exc)!r}), which should name {name!r}."
            )
        return
    pytest.fail(
        f"{call_text} returned {got!r}, expected ValueError"
        + (f" naming {name!r}" if name else "")
        + "."
        + (f" Hint: {hint}" if hint else ""),
        pytrace=False,
    )


# -- split_on_special ---------------------------------------------------------------------
def test_split_on_special_basic(special_tokens):
    got = special_tokens.split_on_special("a<|eot|>b", [EOT])
    want = [("a", False), (EOT, True), ("b", False)]
    assert got == want, explain(call("split_on_special", "a<|eot|>b", [EOT]), got, want)


def test_split_on_special_drops_empty_segments(special_tokens):
    text = "<|eot|><|eot|>x"
    got = special_tokens.split_on_special(text, [EOT])
    want = [(EOT, True), (EOT, True), ("x", False)]
    hint = "drop empty segments." if isinstance(got, list) and ("", False) in got else ""
    assert got == want, explain(call("split_on_special", text, [EOT]), got, want, hint)
    for text, want in [("", []), ("hello", [("hello", False)])]:
        got = special_tokens.split_on_special(text, [EOT])
        assert got == want, explain(call("split_on_special", text, [EOT]), got, want)


def test_split_on_special_earliest_match_wins(special_tokens):
    # "ab" starts at 0, "bc" at 1: "ab" wins although the list names "bc" first.
    got = special_tokens.split_on_special("abc", ["bc", "ab"])
    want = [("ab", True), ("c", False)]
    hint = ""
    if got == [("a", False), ("bc", True)]:
        hint = "the earliest match in the text wins, whatever the order of the list."
    assert got == want, explain(call("split_on_special", "abc", ["bc", "ab"]), got, want, hint)


def test_split_on_special_longer_wins_at_the_same_position(special_tokens):
    specials = ["<|im", "<|im_start|>"]
    text = "x<|im_start|>y"
    got = special_tokens.split_on_special(text, specials)
    want = [("x", False), ("<|im_start|>", True), ("y", False)]
    hint = ""
    if isinstance(got, list) and ("<|im", True) in got:
        hint = "when two specials match at the same position, the longer one wins."
    assert got == want, explain(call("split_on_special", text, specials), got, want, hint)


# -- encode_with_special ------------------------------------------------------------------
def test_encode_with_special_allowed_all(special_tokens):
    got = encode(special_tokens, "hello<|eot|>", "all")
    want = [HE, LLO, 300]
    assert got == want, explain(
        call("encode_with_special", "hello<|eot|>", allowed="all"), got, want
    )


def test_encode_with_special_without_specials_is_encode_with_ranks(special_tokens):
    got = encode(special_tokens, "hello world", "none")
    want = [HE, LLO, WOR, LD]
    assert got == want, explain(
        call("encode_with_special", "hello world", allowed="none"), got, want
    )


def test_encode_with_special_allowed_set(special_tokens):
    got = encode(special_tokens, "a<|eot|>b", {EOT})
    assert got == [97, 300, 98], explain(
        call("encode_with_special", "a<|eot|>b", allowed={EOT}), got, [97, 300, 98]
    )


def test_encode_with_special_text_after_a_special_is_split_again(special_tokens):
    got = encode(special_tokens, "<|eot|> world", "all")
    want = [300, WOR, LD]
    assert got == want, explain(
        call("encode_with_special", "<|eot|> world", allowed="all"), got, want
    )


def test_encode_with_special_disallowed_raises(special_tokens):
    text = "hello<|eot|>"
    expect_value_error(
        lambda: encode(special_tokens, text, "none"),
        call("encode_with_special", text, allowed="none"),
        EOT,
        "a special string that is not allowed must raise, not be encoded as text: user text "
        "must never smuggle in a control token.",
    )


def test_encode_with_special_default_allows_none(special_tokens):
    text = "x<|eot|>"
    expect_value_error(
        lambda: special_tokens.encode_with_special(text, RANKS, PATTERN, SPECIALS),
        call("encode_with_special", text, "<ranks>", "<pattern>", SPECIALS),
        EOT,
        'the default is allowed="none".',
    )


def test_encode_with_special_names_the_disallowed_one(special_tokens):
    text = "x<|pad|>y<|eot|>"
    expect_value_error(
        lambda: encode(special_tokens, text, {EOT}),
        call("encode_with_special", text, allowed={EOT}),
        PAD,
        "every special that is not in `allowed` is disallowed.",
    )


def test_encode_with_special_rejects_other_strings(special_tokens):
    expect_value_error(
        lambda: encode(special_tokens, "hi", "some"),
        call("encode_with_special", "hi", allowed="some"),
        None,
        'only "all" and "none" are accepted as strings.',
    )


# -- add_bos_eos --------------------------------------------------------------------------
def test_add_bos_eos(special_tokens):
    for bos, eos, want in [
        (1, 2, [1, 5, 6, 2]),
        (None, 2, [5, 6, 2]),
        (1, None, [1, 5, 6]),
        (None, None, [5, 6]),
    ]:
        got = special_tokens.add_bos_eos([5, 6], bos, eos)
        assert got == want, explain(call("add_bos_eos", [5, 6], bos, eos), got, want)


def test_add_bos_eos_zero_is_a_real_id(special_tokens):
    got = special_tokens.add_bos_eos([5], 0, 0)
    hint = "0 is a valid id: test `is not None`, not truthiness." if got != [0, 5, 0] else ""
    assert got == [0, 5, 0], explain(call("add_bos_eos", [5], 0, 0), got, [0, 5, 0], hint)


def test_add_bos_eos_leaves_input_unchanged(special_tokens):
    expect_unchanged(special_tokens.add_bos_eos, [5, 6], 1, 2)


# -- pad_batch ----------------------------------------------------------------------------
def padded(seqs, pad_id, side):
    """Padding written out longhand, to recognise padding on the wrong side."""
    width = max(len(s) for s in seqs)
    fill = lambda s: [pad_id] * (width - len(s))  # noqa: E731
    return np.array([s + fill(s) if side == "right" else fill(s) + s for s in seqs])


def check_pad(special_tokens, seqs, pad_id, side, want_ids, want_mask):
    args = (seqs, pad_id) if side is None else (seqs, pad_id, side)
    shown = call("pad_batch", *args)
    got = special_tokens.pad_batch(*args)
    assert isinstance(got, tuple) and len(got) == 2, explain(
        shown, got, expected_text="(ids, attention_mask)"
    )
    ids, mask = (np.asarray(g) for g in got)
    want_ids, want_mask = np.array(want_ids), np.array(want_mask)
    other = "left" if side in (None, "right") else "right"
    hint = ""
    if ids.shape == want_ids.shape and np.array_equal(ids, padded(seqs, pad_id, other)):
        hint = f"that is {other} padding; pad on the side you were asked."
    assert ids.shape == want_ids.shape and np.array_equal(ids, want_ids), explain(
        shown + "[0]", ids.tolist(), want_ids.tolist(), hint
    )
    if mask.shape == want_mask.shape and np.array_equal(mask, 1 - want_mask):
        hint = "the mask is inverted: 1 for real tokens, 0 for padding."
    elif mask.shape == want_mask.shape and np.array_equal(mask, (want_ids != pad_id).astype(int)):
        hint = "pad_id can be a real token too: build the mask from the lengths, not from ids."
    assert mask.shape == want_mask.shape and np.array_equal(mask, want_mask), explain(
        shown + "[1]", mask.tolist(), want_mask.tolist(), hint
    )


def test_pad_batch_right(special_tokens):
    check_pad(
        special_tokens, [[1, 2, 3], [4]], 0, None, [[1, 2, 3], [4, 0, 0]], [[1, 1, 1], [1, 0, 0]]
    )


def test_pad_batch_left(special_tokens):
    check_pad(
        special_tokens, [[1, 2, 3], [4]], 0, "left", [[1, 2, 3], [0, 0, 4]], [[1, 1, 1], [0, 0, 1]]
    )


def test_pad_batch_mask_comes_from_lengths(special_tokens):
    # id 0 is a real token in the first row: only the second row has padding.
    check_pad(special_tokens, [[0, 5], [7]], 0, "right", [[0, 5], [7, 0]], [[1, 1], [1, 0]])


def test_pad_batch_of_an_empty_batch(special_tokens):
    # no sequence at all: the longest length is 0, and both arrays are empty
    got = special_tokens.pad_batch([], 0)
    assert isinstance(got, tuple) and len(got) == 2, explain(
        call("pad_batch", [], 0), got, expected_text="(ids, attention_mask)"
    )
    shapes = [np.shape(g) for g in got]
    hint = ""
    if shapes == [(0,), (0,)]:
        hint = "both must be 2-d, (B, T_max) = (0, 0)."
    assert shapes == [(0, 0), (0, 0)], explain(
        call("pad_batch", [], 0) + " shapes", shapes, [(0, 0), (0, 0)], hint
    )


def test_pad_batch_returns_integer_arrays(special_tokens):
    ids, mask = special_tokens.pad_batch([[3, 4], [5, 6]], 9)
    for name, arr in (("ids", ids), ("attention_mask", mask)):
        assert isinstance(arr, np.ndarray) and arr.shape == (2, 2), explain(
            call("pad_batch", [[3, 4], [5, 6]], 9) + f" {name}",
            arr,
            expected_text="a numpy array of shape (2, 2)",
        )
    hint = ""
    if ids.dtype.kind == "f":  # ids are names: a float dtype breaks the contract itself
        hint = (
            " Hint: np.full, np.zeros and np.ones make float64 unless given dtype=int, and one "
            "float in the arithmetic (a multiplication by 1.0, a division) turns the whole "
            "array float."
        )
    assert np.issubdtype(ids.dtype, np.integer), (
        f"pad_batch([[3, 4], [5, 6]], 9) ids have dtype {ids.dtype}, expected an integer "
        "dtype." + hint
    )
    assert np.array_equal(mask, [[1, 1], [1, 1]]), explain(
        "the mask without padding", mask, np.ones((2, 2), int)
    )


def test_pad_batch_leaves_its_input_unchanged(special_tokens):
    seqs = [[1, 2, 3], [4]]
    expect_unchanged(special_tokens.pad_batch, seqs, 0)


def test_pad_batch_rejects_other_sides(special_tokens):
    expect_value_error(
        lambda: special_tokens.pad_batch([[1]], 0, "middle"), call("pad_batch", [[1]], 0, "middle")
    )


# -- properties ---------------------------------------------------------------------------
def test_split_segments_join_back_to_the_text(special_tokens):
    text = "<|pad|>hi <|eot|>there<|eot|> <|pad|>"
    got = special_tokens.split_on_special(text, [EOT, PAD])
    joined = "".join(seg for seg, _ in got)
    assert joined == text, f"the segments of {text!r} join to {joined!r}, not to the text."
    flags = [seg for seg, special in got if special]
    assert flags == [PAD, EOT, EOT, PAD], explain(
        call("split_on_special", text, [EOT, PAD]) + " special segments",
        flags,
        [PAD, EOT, EOT, PAD],
    )
