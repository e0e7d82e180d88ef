"""Hidden tests for lesson 1.2, What is a token?: multilingual text, emoji, empty input and
large seeded random cases, checked against oracles written here (a regular expression for the
word split, counting by hand for the vocabulary, tiktoken itself for cl100k)."""

import random
import re

import pytest

from grader.testing import call, explain, first_difference, raises

# [^\W_] is exactly str.isalnum() and \S exactly "not str.isspace()" in Python's re module.
WORD_RE = re.compile(r"[^\W_]+|\S")
VOCAB = {"<unk>": 0, "the": 1, "cat": 2}

MULTILINGUAL = [
    "Grüße aus Köln, 2024!",
    "Ελληνικά και русский текст.",
    "日本語のテキスト、東京タワー。",
    "한국어 문장입니다!",
    "مرحبا بالعالم ١٢٣",
    "हिन्दी भाषा",
    "naïve café — déjà vu…",
    "👩‍👩‍👧 family 🇫🇷 flag 👍🏽!",
    "snake_case_name = x1_y2 + 3.14",
    "e\u0301t\u00e9",  # a combining accent is not alphanumeric
    "tabs\tand\u00a0no-break\u2003spaces\u3000ok",
]

POOL = (
    list("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789") * 3
    + list("äöüßéèçñåøæ")
    + list("дежзиклмн")
    + list("αβγδε")
    + list("日本語東京中文")
    + list("٠١٢٣")
    + list("ⅠⅡ²³½")  # numerics: some are alnum, some are not
    + list(" \t\n\r\u00a0\u2003\u3000") * 4
    + list(".,;:!?-_()[]{}'\"/\\@#$%^&*+=<>|~`")
    + ["😀", "👍", "🏽", "\u200d", "\u0301", "🇫", "🇷"]
)


def words_oracle(text: str) -> list[str]:
    return WORD_RE.findall(text)


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(POOL) for _ in range(n))


def vocab_oracle(texts: list[str], max_size: int, unk: str = "<unk>") -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in texts:
        for word in words_oracle(text):
            counts[word] = counts.get(word, 0) + 1
    by_count: dict[int, list[str]] = {}
    for word, n in counts.items():
        if word != unk:
            by_count.setdefault(n, []).append(word)
    ranked = [w for n in sorted(by_count, reverse=True) for w in sorted(by_count[n])]
    vocab = {unk: 0}
    for word in ranked[: max_size - 1]:
        vocab[word] = len(vocab)
    return vocab


# -- split_words ------------------------------------------------------------------------------
@pytest.mark.parametrize("text", MULTILINGUAL)
def test_split_words_on_multilingual_text(tokens, text):
    got = tokens.split_words(text)
    want = words_oracle(text)
    hint = ""
    if got == re.findall(r"[^\W\d_]+|\S", text):
        hint = "use str.isalnum(), not str.isalpha(): digits belong to words too."
    assert got == want, explain(call("split_words", text), got, want, hint)


def test_split_words_on_large_random_text(tokens):
    rng = random.Random(2024)
    for trial in range(10):
        text = random_text(rng, 5000)
        got = tokens.split_words(text)
        want = words_oracle(text)
        if got != want:
            raise AssertionError(
                f"split_words(<5,000 random characters, seed 2024 trial {trial}>) is wrong: "
                + first_difference(got, want)
            )


def test_split_words_text_ending_in_a_word(tokens):
    for text in ("x", "end", "a,b", "ok 7"):
        got = tokens.split_words(text)
        want = words_oracle(text)
        hint = (
            "the run still open at the end of the text is a word too." if got == want[:-1] else ""
        )
        assert got == want, explain(call("split_words", text), got, want, hint)


def test_split_words_of_whitespace_only_is_empty(tokens):
    text = "\t\n \u00a0\u3000"
    got = tokens.split_words(text)
    assert got == [], explain(call("split_words", text), got, [])


# -- build_word_vocab -------------------------------------------------------------------------
def test_build_word_vocab_on_large_random_corpus(tokens):
    rng = random.Random(99)
    words = ["w" + str(i) for i in range(300)] + ["Zeta", "alpha", "Élan", "éclair", "日本", "ß"]
    texts = [
        " ".join(
            rng.choice(words[: rng.randrange(5, len(words))]) for _ in range(rng.randrange(0, 60))
        )
        for _ in range(200)
    ]
    for max_size in (1, 2, 10, 57, 200, 10_000):
        got = tokens.build_word_vocab(texts, max_size)
        want = vocab_oracle(texts, max_size)
        if got != want:
            g, w = list(got.items()), list(want.items())
            raise AssertionError(
                f"build_word_vocab(<200 random texts, seed 99>, {max_size}) is wrong: "
                + first_difference(g, w)
            )


def test_build_word_vocab_ids_are_consecutive(tokens):
    texts = ["a b c a b a", "d e"]
    got = tokens.build_word_vocab(texts, 100)
    assert sorted(got.values()) == list(range(len(got))), (
        f"build_word_vocab({texts}, 100) returned {got}; ids must be 0, 1, 2, ... with no gaps."
    )
    assert len(got) == 6, explain(
        call("build_word_vocab", texts, 100), got, expected_text="unk and the 5 distinct words"
    )


def test_build_word_vocab_is_case_sensitive_and_sorts_by_code_point(tokens):
    texts = ["the The THE éte zeta Zeta"]
    got = tokens.build_word_vocab(texts, 10)
    want = {"<unk>": 0, "THE": 1, "The": 2, "Zeta": 3, "the": 4, "zeta": 5, "éte": 6}
    hint = ""
    if isinstance(got, dict) and "The" not in got:
        hint = "keep words as they are: do not lowercase them."
    assert got == want, explain(call("build_word_vocab", texts, 10), got, want, hint)


def test_build_word_vocab_counts_punctuation_as_words(tokens):
    texts = ["Hi! Hi! Yo!"]
    got = tokens.build_word_vocab(texts, 3)
    want = {"<unk>": 0, "!": 1, "Hi": 2}
    assert got == want, explain(call("build_word_vocab", texts, 3), got, want)


def test_build_word_vocab_of_no_text_holds_only_unk(tokens):
    for texts in ([], ["", "  "]):
        got = tokens.build_word_vocab(texts, 5)
        assert got == {"<unk>": 0}, explain(call("build_word_vocab", texts, 5), got, {"<unk>": 0})


def test_build_word_vocab_max_size_one_is_only_unk(tokens):
    got = tokens.build_word_vocab(["a a b"], 1, unk="?")
    assert got == {"?": 0}, explain(call("build_word_vocab", ["a a b"], 1, unk="?"), got, {"?": 0})


def test_build_word_vocab_rejects_negative_max_size(tokens):
    raises(ValueError, tokens.build_word_vocab, ["a"], -3)


# -- encode_words, unknown_rate ---------------------------------------------------------------
def test_encode_words_and_unknown_rate_on_random_text(tokens):
    rng = random.Random(5)
    train = [random_text(rng, 400) for _ in range(30)]
    vocab = vocab_oracle(train, 40)
    for trial in range(10):
        text = random_text(rng, 2000)
        words = words_oracle(text)
        want = [vocab.get(w, 0) for w in words]
        got = tokens.encode_words(text, vocab)
        if got != want:
            raise AssertionError(
                f"encode_words(<2,000 random characters, seed 5 trial {trial}>, <40-entry vocab>) "
                "is wrong: " + first_difference(got, want)
            )
        rate = tokens.unknown_rate(text, vocab)
        want_rate = sum(w not in vocab for w in words) / len(words)
        assert rate == pytest.approx(want_rate), explain(
            f"unknown_rate(<2,000 random characters, seed 5 trial {trial}>, <40-entry vocab>)",
            rate,
            want_rate,
        )


def test_encode_words_with_a_multilingual_vocab(tokens):
    vocab = {"<unk>": 0, "東京": 1, "は": 2, "café": 3, "!": 4}
    text = "東京 café! Köln 👍"
    got = tokens.encode_words(text, vocab)
    want = [1, 3, 4, 0, 0]
    assert got == want, explain(call("encode_words", text, vocab), got, want)


def test_encode_words_does_not_change_the_vocab(tokens):
    vocab = {"<unk>": 0, "a": 1}
    tokens.encode_words("a b c", vocab)
    assert vocab == {"<unk>": 0, "a": 1}, (
        f"encode_words changed the vocab it was given to {vocab}; an unknown word maps to unk, "
        "it is not added."
    )


def test_encode_words_of_empty_text_is_empty(tokens):
    got = tokens.encode_words("", VOCAB)
    assert got == [], explain(call("encode_words", "", VOCAB), got, [])


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_unknown_rate_of_text_without_words_is_zero(tokens, text):
    got = tokens.unknown_rate(text, VOCAB)
    assert got == 0.0, explain(
        call("unknown_rate", text, VOCAB),
        got,
        0.0,
        "a text with no words has no unknown words: return 0.0.",
    )


def test_unknown_rate_with_a_custom_unk_at_another_id(tokens):
    vocab = {"x": 0, "y": 1, "UNK": 2}
    text = "x y z z"
    got = tokens.unknown_rate(text, vocab, unk="UNK")
    hint = "compare with vocab[unk], not with 0." if got == pytest.approx(0.25) else ""
    assert got == pytest.approx(0.5), explain(
        call("unknown_rate", text, vocab, unk="UNK"), got, 0.5, hint
    )


def test_unknown_rate_weights_every_occurrence(tokens):
    vocab = {"<unk>": 0, "the": 1}
    text = "the zebra the zebra zebra"
    got = tokens.unknown_rate(text, vocab)
    hint = "count every occurrence, not distinct words." if got == pytest.approx(0.5) else ""
    assert got == pytest.approx(0.6), explain(call("unknown_rate", text, vocab), got, 0.6, hint)


# -- sequence_lengths -------------------------------------------------------------------------
def cl100k_count(text: str) -> int:
    from grader.assets import cl100k

    return len(cl100k().encode(text, disallowed_special=()))


@pytest.mark.parametrize("text", MULTILINGUAL + [""])
def test_sequence_lengths_on_multilingual_text(tokens, text):
    got = tokens.sequence_lengths(text)
    want = {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "words": len(words_oracle(text)),
        "cl100k": cl100k_count(text),
    }
    hint = ""
    if isinstance(got, dict) and got.get("bytes") == len(text) != want["bytes"]:
        hint = "'bytes' is the length of text.encode('utf-8'), not of the text."
    assert got == want, explain(call("sequence_lengths", text), got, want, hint)


def test_sequence_lengths_treats_special_token_text_as_plain_text(tokens):
    text = "The end.<|endoftext|>Next"
    try:
        got = tokens.sequence_lengths(text)
    except ValueError:
        raise AssertionError(
            f"{call('sequence_lengths', text)} raised ValueError for the special-token text in "
            "it. Hint: count with encode_ordinary, which treats '<|endoftext|>' in user text as "
            "plain text."
        ) from None
    want = cl100k_count(text)
    assert got["cl100k"] == want, explain(
        call("sequence_lengths", text) + "['cl100k']", got["cl100k"], want
    )


def test_sequence_lengths_on_large_random_text(tokens):
    rng = random.Random(31)
    text = random_text(rng, 30_000)
    got = tokens.sequence_lengths(text)
    want = {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "words": len(words_oracle(text)),
        "cl100k": cl100k_count(text),
    }
    assert got == want, explain("sequence_lengths(<30,000 random characters, seed 31>)", got, want)
