"""Visible tests for lesson 1.1, Why models need numbers: tiny cases first, then the pinned
conventions, then properties. The `numbers` fixture is your exercises/ch1_tokens/l01_numbers.py."""

import pytest

from grader.testing import call, explain, first_difference, raises


# -- build_char_vocab -------------------------------------------------------------------------
def test_build_char_vocab_of_hello(numbers):
    got = numbers.build_char_vocab("hello")
    want = {"e": 0, "h": 1, "l": 2, "o": 3}
    hint = ""
    if got == {"h": 0, "e": 1, "l": 2, "o": 3}:
        hint = "that is first-appearance order; sort the distinct characters first."
    elif isinstance(got, dict) and sorted(got.values()) == [1, 2, 3, 4]:
        hint = "ids start at 0."
    assert got == want, explain(call("build_char_vocab", "hello"), got, want, hint)


def test_build_char_vocab_sorts_characters(numbers):
    # sorted() orders by code point: space < "!" < digits < capitals < small letters
    text = "ba! B1"
    got = numbers.build_char_vocab(text)
    want = {" ": 0, "!": 1, "1": 2, "B": 3, "a": 4, "b": 5}
    hint = ""
    if isinstance(got, dict) and list(got) == list(dict.fromkeys(text)):
        hint = "that is first-appearance order; sort the distinct characters first."
    assert got == want, explain(call("build_char_vocab", text), got, want, hint)


def test_build_char_vocab_of_empty_text_is_empty(numbers):
    got = numbers.build_char_vocab("")
    assert got == {}, explain(call("build_char_vocab", ""), got, {})


# -- encode_chars, decode_chars -------------------------------------------------------------
def test_encode_chars_looks_up_each_character(numbers):
    vocab = {"e": 0, "h": 1, "l": 2, "o": 3}
    got = numbers.encode_chars("hole", vocab)
    assert got == [1, 3, 2, 0], explain(call("encode_chars", "hole", vocab), got, [1, 3, 2, 0])


def test_encode_chars_raises_keyerror_naming_the_character(numbers):
    vocab = {"e": 0, "h": 1, "l": 2, "o": 3}
    error = raises(
        KeyError,
        numbers.encode_chars,
        "help",
        vocab,
        hint="an unknown character must not be skipped or given a made-up id.",
    )
    assert "p" in str(error), (
        f"encode_chars('help', {vocab}) raised KeyError({str(error)}); "
        "the message should name the missing character 'p'."
    )


def test_decode_chars_inverts_encode_chars(numbers):
    vocab = {"e": 0, "h": 1, "l": 2, "o": 3}
    got = numbers.decode_chars([1, 3, 2, 0], vocab)
    assert got == "hole", explain(call("decode_chars", [1, 3, 2, 0], vocab), got, "hole")


def test_decode_chars_rejects_an_unknown_id(numbers):
    vocab = {"a": 0, "b": 1}
    raises(ValueError, numbers.decode_chars, [0, 7], vocab)


def test_decode_chars_finds_each_id_not_each_position(numbers):
    # the same vocab as above, written in another order: a dict's order is not its ids
    vocab = {"l": 2, "h": 1, "o": 3, "e": 0}
    got = numbers.decode_chars([1, 3, 2, 0], vocab)
    hint = ""
    if got == "".join(list(vocab)[i] for i in [1, 3, 2, 0]):
        hint = (
            "that reads the i-th key of the dict, its position, where the character whose id "
            "is i is wanted: invert the vocab, {i: ch for ch, i in vocab.items()}."
        )
    assert got == "hole", explain(call("decode_chars", [1, 3, 2, 0], vocab), got, "hole", hint)


def test_decode_chars_rejects_a_negative_id(numbers):
    # no character has the id -1; a list indexed by it would give the last character instead
    raises(ValueError, numbers.decode_chars, [0, -1], {"a": 0, "b": 1})


def test_char_round_trip(numbers):
    text = "Models read numbers, not letters."
    vocab = numbers.build_char_vocab(text)
    ids = numbers.encode_chars(text, vocab)
    assert len(ids) == len(text), f"encode_chars gave {len(ids)} ids for {len(text)} characters."
    back = numbers.decode_chars(ids, vocab)
    assert back == text, f"decode_chars(encode_chars(text)) gave {back!r}, expected {text!r}."


# -- utf8_bytes -------------------------------------------------------------------------------
def test_utf8_bytes_of_ascii_are_the_codes(numbers):
    got = numbers.utf8_bytes("Hi!")
    assert got == [72, 105, 33], explain(call("utf8_bytes", "Hi!"), got, [72, 105, 33])


def test_utf8_bytes_of_accented_letter_takes_two_bytes(numbers):
    got = numbers.utf8_bytes("hé")
    want = [104, 195, 169]
    hint = ""
    if got == [104, 233]:
        hint = "those are code points (ord); encode the text with UTF-8 instead."
    assert got == want, explain(call("utf8_bytes", "hé"), got, want, hint)


def test_utf8_bytes_returns_a_list_of_ints(numbers):
    got = numbers.utf8_bytes("ok")
    assert isinstance(got, list) and all(type(v) is int for v in got), (
        f"utf8_bytes('ok') returned {got!r} of type {type(got).__name__}; "
        "expected a list of ints: wrap the bytes in list(...)."
    )


def test_utf8_bytes_of_emoji_takes_four_bytes(numbers):
    got = numbers.utf8_bytes("🙂")
    want = [240, 159, 153, 130]
    assert got == want, explain(call("utf8_bytes", "🙂"), got, want)


# -- from_utf8_bytes --------------------------------------------------------------------------
def test_from_utf8_bytes_decodes(numbers):
    values = [104, 195, 169]
    got = numbers.from_utf8_bytes(values)
    assert got == "hé", explain(call("from_utf8_bytes", values), got, "hé")


def test_from_utf8_bytes_replaces_a_cut_off_character(numbers):
    values = [104, 195]  # "h", then the first half of "é"
    try:
        got = numbers.from_utf8_bytes(values)
    except UnicodeDecodeError as exc:
        raise AssertionError(
            f"{call('from_utf8_bytes', values)} raised UnicodeDecodeError: {exc}. Hint: decode "
            "with errors='replace' so broken bytes become '\\ufffd' instead of crashing."
        ) from None
    want = "h\ufffd"
    hint = (
        "decode with errors='replace', not 'ignore': the reader must see that something broke."
        if got == "h"
        else ""
    )
    assert got == want, explain(call("from_utf8_bytes", values), got, want, hint)


@pytest.mark.parametrize("values", [[104, 256], [-1], [1000, 65]])
def test_from_utf8_bytes_rejects_non_bytes(numbers, values):
    raises(
        ValueError,
        numbers.from_utf8_bytes,
        values,
        hint="a byte is 0..255; do not wrap or mask larger values.",
    )


def test_from_utf8_bytes_accepts_both_ends_of_the_byte_range(numbers):
    values = [0, 104, 255]  # 0 and 255 are bytes; 255 alone is not valid UTF-8, so it is replaced
    got = numbers.from_utf8_bytes(values)
    want = "\x00h\ufffd"
    assert got == want, explain(call("from_utf8_bytes", values), got, want)


def test_byte_round_trip(numbers):
    text = "naïve café, 東京 🙂"
    values = numbers.utf8_bytes(text)
    back = numbers.from_utf8_bytes(values)
    assert back == text, f"from_utf8_bytes(utf8_bytes(text)) gave {back!r}, expected {text!r}."
    want = list(text.encode("utf-8"))
    assert values == want, f"utf8_bytes({text!r}): {first_difference(values, want)}"
