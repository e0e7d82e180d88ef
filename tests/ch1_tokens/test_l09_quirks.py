"""Visible tests for lesson 1.9, Why LLMs act the way they do. The `quirks` fixture is your
exercises/ch1_tokens/l09_quirks.py.

Most checks use a toy tokenizer that you can follow by hand: every byte is its own token, plus
the merges "st", "str", "aw", "be", "rr", "rry", "berry" and one token for every group of two or
three digits. Like cl100k_base, it first splits text into words and groups of at most three
digits. With no merge, a text's ids are just its UTF-8 bytes: "hi" -> [104, 105]. (Loading the
real cl100k_base takes about half a second; the hidden tests and the lesson use it.)"""

import functools
import itertools

import pytest

from grader.testing import call, expect_unchanged, explain, raises, shown

TOY_PATTERN = r""" ?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
TOY_MERGES = [b"st", b"str", b"aw", b"be", b"rr", b"rry", b"berry"]


@functools.lru_cache(maxsize=1)
def toy():
    import tiktoken

    ranks = {bytes([i]): i for i in range(256)}
    digits = [
        bytes("".join(p), "ascii")
        for n in (2, 3)
        for p in itertools.product("0123456789", repeat=n)
    ]
    for piece in TOY_MERGES + digits:
        ranks[piece] = len(ranks)
    return tiktoken.Encoding(
        name="toy", pat_str=TOY_PATTERN, mergeable_ranks=ranks, special_tokens={}
    )


# The inputs that messages show by a label, for the diagnosis (grader.diagnosis.probes): it may
# run your function again on the inputs of the other checks, and these rebuild the tokenizer.
PROBE_INPUTS = {"<toy>": toy}


def ids(text):
    """The toy's ids for a text that no merge applies to: its UTF-8 bytes."""
    return list(text.encode("utf-8"))


# -- letters_hidden -------------------------------------------------------------------------
def test_letters_hidden_strawberry_arrives_in_pieces(quirks):
    got = quirks.letters_hidden(toy(), "strawberry")
    want = ["str", "aw", "berry"]
    hint = ""
    if got == list("strawberry"):
        hint = "return the token pieces (decode each id on its own), not the letters."
    assert got == want, explain(
        call("letters_hidden", shown(toy(), "<toy>"), "strawberry"), got, want, hint
    )


def test_letters_hidden_without_merges_is_one_piece_per_byte(quirks):
    got = quirks.letters_hidden(toy(), "hi")
    assert got == ["h", "i"], explain(
        call("letters_hidden", shown(toy(), "<toy>"), "hi"), got, ["h", "i"]
    )


def test_letters_hidden_of_a_character_split_across_tokens(quirks):
    # "é" is two bytes, two tokens of the toy tokenizer: each is half a character, which
    # decodes to U+FFFD on its own (errors="replace"), never to an error
    got = quirks.letters_hidden(toy(), "café")
    want = ["c", "a", "f", "\ufffd", "\ufffd"]
    assert got == want, explain(call("letters_hidden", shown(toy(), "<toy>"), "café"), got, want)


def test_letters_hidden_pieces_spell_the_word(quirks):
    word = "strawberries"
    got = quirks.letters_hidden(toy(), word)
    assert isinstance(got, list) and "".join(got) == word and len(got) < len(word), explain(
        call("letters_hidden", shown(toy(), "<toy>"), word),
        got,
        expected_text=f"pieces that join back to {word!r}, fewer than its letters",
    )


# -- digit_groups ---------------------------------------------------------------------------
def test_digit_groups_chunks_of_three_from_the_left(quirks):
    got = quirks.digit_groups(toy(), "1234567")
    want = ["123", "456", "7"]
    hint = ""
    if got == ["1234567"]:
        hint = "decode each token id on its own, not the whole list of ids at once."
    assert got == want, explain(
        call("digit_groups", shown(toy(), "<toy>"), "1234567"), got, want, hint
    )


def test_digit_groups_of_a_short_number(quirks):
    got = quirks.digit_groups(toy(), "42")
    assert got == ["42"], explain(call("digit_groups", shown(toy(), "<toy>"), "42"), got, ["42"])


# -- whitespace_variants --------------------------------------------------------------------
def variants_hint(got, word):
    """A diagnosis when a wrong whitespace_variants matches a known mistake."""
    if not isinstance(got, dict):
        return ""
    if got.get("leading_space") == ids(word + " "):
        return 'the space goes in front: " " + word, the way words follow each other in text.'
    if got.get("capitalized") == ids(word.title()) != ids(word.capitalize()):
        return "that is word.title(); use word.capitalize(), which changes only the first letter."
    return ""


def test_whitespace_variants_has_the_four_keys(quirks):
    got = quirks.whitespace_variants(toy(), "hi")
    want = {
        "plain": ids("hi"),
        "leading_space": ids(" hi"),
        "capitalized": ids("Hi"),
        "upper": ids("HI"),
    }
    assert got == want, explain(
        call("whitespace_variants", shown(toy(), "<toy>"), "hi"),
        got,
        want,
        variants_hint(got, "hi"),
    )


def test_whitespace_variants_space_goes_in_front(quirks):
    got = quirks.whitespace_variants(toy(), "new york")
    want = ids(" new york")
    hint = variants_hint(got, "new york")
    assert isinstance(got, dict) and got.get("leading_space") == want, explain(
        call("whitespace_variants", shown(toy(), "<toy>"), "new york") + '["leading_space"]',
        got.get("leading_space") if isinstance(got, dict) else got,
        want,
        hint,
    )


def test_whitespace_variants_capitalize_only_the_first_letter(quirks):
    got = quirks.whitespace_variants(toy(), "new york")
    want = ids("New york")
    hint = variants_hint(got, "new york")
    assert isinstance(got, dict) and got.get("capitalized") == want, explain(
        call("whitespace_variants", shown(toy(), "<toy>"), "new york") + '["capitalized"]',
        got.get("capitalized") if isinstance(got, dict) else got,
        want,
        hint,
    )


def test_whitespace_variants_capitalize_lowers_the_other_letters(quirks):
    got = quirks.whitespace_variants(toy(), "iPhone")
    want = ids("Iphone")  # "iPhone".capitalize(): the first letter up, every other one down
    assert isinstance(got, dict) and got.get("capitalized") == want, explain(
        call("whitespace_variants", shown(toy(), "<toy>"), "iPhone") + '["capitalized"]',
        got.get("capitalized") if isinstance(got, dict) else got,
        want,
    )


# -- token_tax ------------------------------------------------------------------------------
def test_token_tax_by_hand(quirks):
    # en: "strawberry" is 3 tokens for 10 characters (0.3 a character).
    # fr: "ééé" is 6 tokens (two bytes each) for 3 characters (2.0 a character): 2.0 / 0.3.
    texts = {"en": "strawberry", "fr": "ééé"}
    got = quirks.token_tax(toy(), texts)
    want = {"en": 1.0, "fr": 2.0 / 0.3}
    hint = ""
    if isinstance(got, dict) and got.get("en") == pytest.approx(0.3):
        hint = 'divide every language by the "en" value, so that "en" maps to 1.0.'
    elif isinstance(got, dict) and got.get("fr") == pytest.approx(2.0):
        hint = "count tokens per character (len(text)), not tokens per word."
    assert (
        isinstance(got, dict)
        and got.keys() == want.keys()
        and all(got[k] == pytest.approx(v) for k, v in want.items())
    ), explain(call("token_tax", shown(toy(), "<toy>"), texts), got, want, hint)


def test_token_tax_leaves_the_texts_alone(quirks):
    expect_unchanged(quirks.token_tax, shown(toy(), "<toy>"), {"en": "strawberry", "fr": "ééé"})


def test_token_tax_english_is_one(quirks):
    texts = {"de": "abcdef", "en": "hi there"}
    got = quirks.token_tax(toy(), texts)
    assert isinstance(got, dict) and got.get("en") == pytest.approx(1.0), explain(
        call("token_tax", shown(toy(), "<toy>"), texts),
        got,
        expected_text='{"en": 1.0, ...}',
        hint='divide every language by the "en" value.',
    )


def test_token_tax_needs_english(quirks):
    raises(ValueError, quirks.token_tax, toy(), {"de": "Hallo", "fr": "Bonjour"})


# -- trailing_space_effect ------------------------------------------------------------------
def test_trailing_space_effect_adds_a_lone_space(quirks):
    got = quirks.trailing_space_effect(toy(), "hi")
    want = (ids("hi"), ids("hi "))
    hint = (
        "the second list is the prompt with a space at the end."
        if got == (ids("hi"), ids(" hi"))
        else ""
    )
    assert tuple(got) == want, explain(
        call("trailing_space_effect", shown(toy(), "<toy>"), "hi"), got, want, hint
    )


def test_trailing_space_effect_of_a_prompt_that_ends_in_a_space(quirks):
    # the prompt is used as given, and the second list always has one more space
    got = quirks.trailing_space_effect(toy(), "hi ")
    want = (ids("hi "), ids("hi  "))
    assert tuple(got) == want, explain(
        call("trailing_space_effect", shown(toy(), "<toy>"), "hi "), got, want
    )


# -- reversal_cost --------------------------------------------------------------------------
def test_reversal_cost_counts_tokens(quirks):
    # "strawberry" is str|aw|berry; "yrrebwarts" only finds "rr": y|rr|e|b|w|a|r|t|s.
    got = quirks.reversal_cost(toy(), "strawberry")
    hint = (
        "count tokens, len(encoding.encode(...)), not characters." if tuple(got) == (10, 10) else ""
    )
    assert tuple(got) == (3, 9), explain(
        call("reversal_cost", shown(toy(), "<toy>"), "strawberry"), got, (3, 9), hint
    )


def test_reversal_cost_of_a_palindrome_is_even(quirks):
    got = quirks.reversal_cost(toy(), "abba")
    assert tuple(got) == (4, 4), explain(
        call("reversal_cost", shown(toy(), "<toy>"), "abba"), got, (4, 4)
    )
