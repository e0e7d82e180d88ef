"""Visible tests for lesson 1.4, Tokenizers in practice: tiny cases first, then the pinned
conventions, then properties. The `tokenizers` fixture is your
exercises/ch1_tokens/l04_tokenizers.py.

These tests use a tiny hand-made tokenizer (256 byte tokens and ten merges) so that every
expected answer can be checked by hand; the hidden tests compare you with the real cl100k_base.
"""

import functools
import re

import pytest
import tiktoken

from grader.testing import call, explain, first_difference, raises, shown

# A GPT-2-style split pattern. \p{L} (any letter) and \p{N} (any digit) need the `regex` module.
PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

# Ranks 0..255 are the single bytes; the ten merges follow, in the order they were learned.
MERGED = [b"o ", b"ll", b"he", b"llo", b" w", b"or", b" wor", b"ld", b"bc", b"ab"]
RANKS = {bytes([b]): b for b in range(256)} | {tok: 256 + i for i, tok in enumerate(MERGED)}
O_SPACE, LL, HE, LLO, W, OR, WOR, LD, BC, AB = range(256, 266)
EOT = "<|endoftext|>"


def tiny_encoding(ranks=RANKS, name="tiny"):
    return tiktoken.Encoding(
        name=name, pat_str=PATTERN, mergeable_ranks=ranks, special_tokens={EOT: 300}
    )


@functools.lru_cache(maxsize=1)
def tiny():
    """The tiny tokenizer, built once: every check gets the very same one."""
    return tiny_encoding()


@functools.lru_cache(maxsize=1)
def other():
    """The tiny tokenizer's merges learned in the reverse order: the same bytes, other ids."""
    ranks = {bytes([b]): b for b in range(256)} | {t: 265 - i for i, t in enumerate(MERGED)}
    return tiny_encoding(ranks, "other")


# The inputs that messages show by a label, for the diagnosis (grader.diagnosis.probes): it may
# run your function again on the inputs of the other checks, and these rebuild the tokenizers.
PROBE_INPUTS = {"<tiny>": tiny, "<other>": other}


def line(exc):
    """An exception's first line: failure messages are read one line at a time."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def encode(tokenizers, text, ranks=RANKS, pattern=PATTERN):
    """Call the learner's encode_with_ranks; explain the classic `re` mistake clearly."""
    try:
        return tokenizers.encode_with_ranks(text, ranks, pattern)
    except re.error as exc:
        pytest.fail(
            f"{call('encode_with_ranks', text, shown(ranks, '<ranks>'), shown(pattern, '<pattern>'))} raised re.error ({line(exc)}). "
            "Hint: the pattern uses \\p{L} and \\p{N}, which only the `regex` module knows: "
            "split with regex.findall, not re.findall.",
            pytrace=False,
        )


# -- pieces, count_tokens -----------------------------------------------------------------
def test_pieces_of_hello_world(tokenizers):
    # "hello" -> ll, then he, then llo;  " world" -> " w", "or", " wor", "ld"
    got = tokenizers.pieces(tiny(), "hello world")
    want = [b"he", b"llo", b" wor", b"ld"]
    hint = "return bytes objects, not ids or str." if got and not isinstance(got[0], bytes) else ""
    assert got == want, explain(
        call("pieces", shown(tiny(), "<tiny>"), "hello world"), got, want, hint
    )


def test_pieces_keep_half_characters_as_bytes(tokenizers):
    # No merge joins the two UTF-8 bytes of "é" in the tiny tokenizer: each is its own token.
    got = tokenizers.pieces(tiny(), "é")
    want = [b"\xc3", b"\xa9"]
    hint = ""
    if isinstance(got, list) and any(isinstance(p, bytes) and b"\xef\xbf\xbd" in p for p in got):
        hint = (
            "a token can be half a character; take its bytes with decode_single_token_bytes, "
            "do not decode it to str."
        )
    assert got == want, explain(call("pieces", shown(tiny(), "<tiny>"), "é"), got, want, hint)


def test_pieces_treat_special_strings_as_text(tokenizers):
    text = "hi" + EOT
    called = call("pieces", shown(tiny(), "<tiny>"), text)
    try:
        got = tokenizers.pieces(tiny(), text)
    except ValueError as exc:
        pytest.fail(
            f"{called} raised ValueError ({line(exc)}). Hint: use "
            "encode_ordinary, which treats special strings as plain text.",
            pytrace=False,
        )
    assert b"".join(got) == text.encode() and EOT.encode() not in got, explain(
        called,
        got,
        expected_text=f"plain-text pieces that join to {text!r}",
    )


def test_count_tokens_of_hello_world(tokenizers):
    got = tokenizers.count_tokens(tiny(), "hello world")
    assert got == 4, explain(call("count_tokens", shown(tiny(), "<tiny>"), "hello world"), got, 4)


def test_count_tokens_counts_special_strings_as_text(tokenizers):
    # No merge applies to "hi<|endoftext|>": 15 bytes, 15 tokens.
    text = "hi" + EOT
    called = call("count_tokens", shown(tiny(), "<tiny>"), text)
    try:
        got = tokenizers.count_tokens(tiny(), text)
    except ValueError as exc:
        pytest.fail(
            f"{called} raised ValueError ({line(exc)}). Hint: "
            "encode() refuses special strings in user text; count with encode_ordinary.",
            pytrace=False,
        )
    hint = (
        "that counts <|endoftext|> as one special token; use encode_ordinary." if got == 3 else ""
    )
    assert got == 15, explain(called, got, 15, hint)


# -- encode_with_ranks --------------------------------------------------------------------
def test_encode_with_ranks_merges_by_lowest_rank(tokenizers):
    # "bc" (264) has a lower rank than "ab" (265), so "abc" is a + bc.
    got = encode(tokenizers, "abc")
    hint = ""
    if got == [AB, 99]:
        hint = "merge the pair with the lowest rank first, not the leftmost pair."
    assert got == [97, BC], explain(
        call("encode_with_ranks", "abc", shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")),
        got,
        [97, BC],
        hint,
    )


def test_encode_with_ranks_hello_world(tokenizers):
    got = encode(tokenizers, "hello world")
    want = [HE, LLO, WOR, LD]
    hint = ""
    if isinstance(got, list) and O_SPACE in got:
        hint = (
            'token "o " crossed the word boundary: split the text with the pattern first, '
            "then merge inside each piece."
        )
    elif isinstance(got, list) and LL in got:
        hint = "keep merging after a merge: ll + o is llo."
    assert got == want, explain(
        call(
            "encode_with_ranks", "hello world", shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")
        ),
        got,
        want,
        hint,
    )


def test_encode_with_ranks_of_empty_text(tokenizers):
    got = encode(tokenizers, "")
    assert got == [], explain(
        call("encode_with_ranks", "", shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")), got, []
    )


def test_encode_with_ranks_starts_from_utf8_bytes(tokenizers):
    got = encode(tokenizers, "é!")
    want = [0xC3, 0xA9, 33]
    hint = "start from text.encode('utf-8'), not from characters." if got == [233, 33] else ""
    assert got == want, explain(
        call("encode_with_ranks", "é!", shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")),
        got,
        want,
        hint,
    )


def test_encode_with_ranks_uses_unicode_letter_classes(tokenizers):
    # \p{L} makes "wörld" one piece, so " w" still merges; `re` does not know \p{L} at all.
    got = encode(tokenizers, "hello wörld")
    want = [HE, LLO, W, 0xC3, 0xB6, 114, LD]
    assert got == want, explain(
        call(
            "encode_with_ranks", "hello wörld", shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")
        ),
        got,
        want,
    )


def test_encode_with_ranks_matches_tiktoken_on_small_texts(tokenizers):
    enc = tiny()
    for text in ["hello hello  world\n\nabcabc", "I'll say hello, 42 times!", "  he  ll  o  "]:
        got = encode(tokenizers, text)
        want = enc.encode_ordinary(text)
        assert got == want, explain(
            call("encode_with_ranks", text, shown(RANKS, "<ranks>"), shown(PATTERN, "<pattern>")),
            got,
            want,
            detail=first_difference(got, want),
        )


# -- cross_decode -------------------------------------------------------------------------
def test_cross_decode_with_the_right_encoding(tokenizers):
    got = tokenizers.cross_decode([HE, LLO, WOR, LD], tiny())
    assert got == "hello world", explain(
        call("cross_decode", [HE, LLO, WOR, LD], shown(tiny(), "<tiny>")), got, "hello world"
    )


def test_cross_decode_with_another_tokenizer_gives_other_text(tokenizers):
    # Same ids, but the other tokenizer learned its merges in the reverse order.
    ids = [HE, LLO, WOR, LD]  # hello world, in the tiny tokenizer
    got = tokenizers.cross_decode(ids, other())
    want = "ld worllohe"  # there 258 is "ld", 259 is " wor", 262 is "llo" and 263 is "he"
    assert got == want, explain(call("cross_decode", ids, shown(other(), "<other>")), got, want)


def test_cross_decode_replaces_invalid_utf8(tokenizers):
    ids = [0xC3]  # the first byte of "é" alone
    called = call("cross_decode", ids, shown(tiny(), "<tiny>"))
    try:
        got = tokenizers.cross_decode(ids, tiny())
    except UnicodeDecodeError:
        pytest.fail(
            f"{called} raised UnicodeDecodeError. Hint: "
            "decode the bytes with errors='replace', as tiktoken does.",
            pytrace=False,
        )
    assert got == "\ufffd", explain(called, got, "\ufffd")


def test_cross_decode_rejects_unknown_ids(tokenizers):
    ids = [97, 5000]
    called = call("cross_decode", ids, shown(tiny(), "<tiny>"))
    try:
        raises(ValueError, tokenizers.cross_decode, ids, tiny(), call_text=called)
    except AssertionError as exc:
        if not isinstance(exc.__cause__, KeyError):
            raise
        pytest.fail(
            f"{called} raised KeyError({line(exc.__cause__)}). Hint: catch "
            "tiktoken's KeyError and raise ValueError naming the id.",
            pytrace=False,
        )


# -- properties ---------------------------------------------------------------------------
def test_round_trip_through_pieces_and_cross_decode(tokenizers):
    enc = tiny()
    text = "Hello wörld, I'm   here!\n\n  12345 😀"
    joined = b"".join(tokenizers.pieces(enc, text))
    assert joined == text.encode(), f"the pieces of {text!r} join to {joined!r}, not to its bytes."
    ids = encode(tokenizers, text)
    back = tokenizers.cross_decode(ids, enc)
    assert back == text, explain(
        call("cross_decode", "encode_with_ranks(text)", shown(tiny(), "<tiny>")), back, text
    )
