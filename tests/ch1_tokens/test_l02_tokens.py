"""Visible tests for lesson 1.2, What is a token?: tiny cases first, then the pinned
conventions, then properties. The `tokens` fixture is your exercises/ch1_tokens/l02_tokens.py."""

import pytest

from grader.testing import call, explain, raises

VOCAB = {"<unk>": 0, "the": 1, "cat": 2}


# -- split_words ------------------------------------------------------------------------------
def test_split_words_on_a_sentence(tokens):
    text = "The cat sat."
    got = tokens.split_words(text)
    want = ["The", "cat", "sat", "."]
    hint = ""
    if got == ["The", "cat", "sat."]:
        hint = "that is str.split(); punctuation is a token of its own."
    assert got == want, explain(call("split_words", text), got, want, hint)


def test_split_words_keeps_letters_and_digits_together(tokens):
    text = "abc123 is 42x"
    got = tokens.split_words(text)
    want = ["abc123", "is", "42x"]
    hint = ""
    if got in (["abc", "123", "is", "42", "x"], ["abc", "1", "2", "3", "is", "4", "2", "x"]):
        hint = "use str.isalnum(), not str.isalpha(): digits belong to words too."
    assert got == want, explain(call("split_words", text), got, want, hint)


def test_split_words_each_symbol_stands_alone(tokens):
    text = "Hello, world_2!?"
    got = tokens.split_words(text)
    want = ["Hello", ",", "world", "_", "2", "!", "?"]
    hint = ""
    if "world_2" in got:
        hint = "'_'.isalnum() is False, so the underscore is a token of its own (a regex \\w would keep it)."
    elif "!?" in got:
        hint = "every symbol stands on its own; only letters and digits form runs."
    assert got == want, explain(call("split_words", text), got, want, hint)


def test_split_words_drops_every_kind_of_whitespace(tokens):
    text = "  two\twords\n"
    got = tokens.split_words(text)
    want = ["two", "words"]
    assert got == want, explain(call("split_words", text), got, want)


def test_split_words_of_empty_text_is_empty(tokens):
    for text in ("", "   "):
        got = tokens.split_words(text)
        assert got == [], explain(call("split_words", text), got, [])


# -- build_word_vocab -------------------------------------------------------------------------
def test_build_word_vocab_puts_unk_first_then_the_most_frequent(tokens):
    texts = ["the cat", "the dog"]
    got = tokens.build_word_vocab(texts, 3)
    want = {"<unk>": 0, "the": 1, "cat": 2}
    hint = ""
    if isinstance(got, dict) and got.get("<unk>") not in (0, None):
        hint = "id 0 is always unk; the words start at id 1."
    elif isinstance(got, dict) and len(got) == 4:
        hint = "max_size counts every entry, unk included: keep max_size - 1 words."
    assert got == want, explain(call("build_word_vocab", texts, 3), got, want, hint)


def test_build_word_vocab_breaks_ties_alphabetically(tokens):
    # "the" occurs twice; cat, sat, dog and ran once each
    texts = ["the cat sat", "the dog ran"]
    got = tokens.build_word_vocab(texts, 4)
    want = {"<unk>": 0, "the": 1, "cat": 2, "dog": 3}
    hint = ""
    if got == {"<unk>": 0, "the": 1, "cat": 2, "sat": 3}:
        hint = "ties go alphabetically, not by first appearance: sort by (-count, word)."
    assert got == want, explain(call("build_word_vocab", texts, 4), got, want, hint)


def test_build_word_vocab_size_counts_unk(tokens):
    texts = ["a b c d e f g"]
    got = tokens.build_word_vocab(texts, 3)
    hint = ""
    if isinstance(got, dict) and len(got) == 4:
        hint = "max_size counts every entry, unk included: keep max_size - 1 words."
    assert isinstance(got, dict) and len(got) == 3, explain(
        call("build_word_vocab", texts, 3), got, expected_text="3 entries", hint=hint
    )


def test_build_word_vocab_uses_the_unk_it_is_given(tokens):
    texts = ["b a b"]
    got = tokens.build_word_vocab(texts, 5, unk="[UNK]")
    want = {"[UNK]": 0, "b": 1, "a": 2}
    assert got == want, explain(call("build_word_vocab", texts, 5, unk="[UNK]"), got, want)


def test_build_word_vocab_rejects_max_size_below_one(tokens):
    raises(ValueError, tokens.build_word_vocab, ["a"], 0)


# -- encode_words, unknown_rate ---------------------------------------------------------------
def test_encode_words_maps_unknown_words_to_unk(tokens):
    got = tokens.encode_words("the cow", VOCAB)
    assert got == [1, 0], explain(call("encode_words", "the cow", VOCAB), got, [1, 0])


def test_encode_words_uses_the_id_of_the_given_unk(tokens):
    vocab = {"hi": 0, "?": 1, "[UNK]": 2}
    got = tokens.encode_words("hi there?", vocab, unk="[UNK]")
    hint = "an unknown word gets vocab[unk], whatever that id is." if got == [0, 0, 1] else ""
    assert got == [0, 2, 1], explain(
        call("encode_words", "hi there?", vocab, unk="[UNK]"), got, [0, 2, 1], hint
    )


def test_unknown_rate_counts_words(tokens):
    vocab = {"<unk>": 0, "a": 1}
    text = "a hippopotamus"
    got = tokens.unknown_rate(text, vocab)
    hint = ""
    if isinstance(got, float) and got in (12 / 14, 12 / 13):
        hint = "count unknown words, not unknown characters."
    assert got == pytest.approx(0.5), explain(call("unknown_rate", text, vocab), got, 0.5, hint)


def test_unknown_rate_reads_the_unk_id_from_the_vocab(tokens):
    vocab = {"hi": 0, "?": 1, "<unk>": 2}  # the unknown word's id is not 0 here
    got = tokens.unknown_rate("hi hi there", vocab)
    assert got == pytest.approx(1 / 3), explain(
        call("unknown_rate", "hi hi there", vocab), got, 1 / 3
    )


def test_unknown_rate_of_fully_known_text_is_zero(tokens):
    got = tokens.unknown_rate("the cat, the cat", {"<unk>": 0, "the": 1, "cat": 2, ",": 3})
    assert got == 0.0, explain(call("unknown_rate", "the cat, the cat", "<vocab>"), got, 0.0)


# -- sequence_lengths -------------------------------------------------------------------------
def test_sequence_lengths_of_a_small_text(tokens):
    text = "héllo!"
    got = tokens.sequence_lengths(text)
    want = {"bytes": 7, "chars": 6, "words": 2, "cl100k": 4}
    hint = ""
    if isinstance(got, dict) and got.get("bytes") == 6:
        hint = "'bytes' is the length of text.encode('utf-8'): 'é' is two bytes."
    assert got == want, explain(call("sequence_lengths", text), got, want, hint)


def test_sequence_lengths_treats_special_strings_as_text(tokens):
    text = "hi<|endoftext|>"
    try:
        got = tokens.sequence_lengths(text)
    except ValueError as exc:
        raise AssertionError(
            f"{call('sequence_lengths', text)} raised ValueError ({str(exc).splitlines()[0]}). "
            "Hint: count user text with encode_ordinary, which treats special strings as plain text."
        ) from None
    assert isinstance(got, dict) and got.get("chars") == len(text), explain(
        call("sequence_lengths", text), got, expected_text=f"'chars': {len(text)}"
    )


def test_sequence_lengths_order_on_english(tokens):
    text = "Subword tokens are the compromise every modern model uses."
    got = tokens.sequence_lengths(text)
    assert set(got) == {"bytes", "chars", "words", "cl100k"}, (
        f"sequence_lengths(...) has keys {sorted(got)}, expected bytes, chars, words and cl100k."
    )
    assert got["bytes"] == got["chars"] == len(text), explain(
        call("sequence_lengths", text),
        got,
        expected_text=f"bytes == chars == {len(text)} for ASCII",
    )
    assert got["words"] == 10, explain(
        call("sequence_lengths", text), got, expected_text="'words': 10"
    )
    assert got["words"] <= got["cl100k"] < got["chars"], explain(
        call("sequence_lengths", text),
        got,
        expected_text="words <= cl100k < chars: subwords sit between words and characters",
    )


def test_build_word_vocab_of_size_one_holds_only_unk(tokens):
    # 1 is the smallest valid size, room for unk alone: only a size below one is an error
    texts = ["the cat", "the dog"]
    got = tokens.build_word_vocab(texts, 1)
    assert got == {"<unk>": 0}, explain(call("build_word_vocab", texts, 1), got, {"<unk>": 0})
