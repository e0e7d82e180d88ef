"""Hidden tests for lesson 1.1, Why models need numbers: multilingual text, emoji, empty input
and large seeded random cases, checked against oracles written here from the UTF-8 rules
(RFC 3629), not against the solution."""

import random

import pytest

from grader.testing import call, explain, first_difference, raises

MULTILINGUAL = [
    "",
    "a",
    "Grüße aus Köln",
    "Ελληνικά και русский",
    "日本語のテキスト",
    "한국어 문장",
    "مرحبا بالعالم",
    "שלום",
    "हिन्दी",
    "👩‍👩‍👧 family, 🇫🇷 flag, 👍🏽 thumbs",
    "e\u0301 (e + combining accent) vs \u00e9",
    "tab\tnew\nline\r\n\x00nul",
    "\U0010ffff last code point",
]


# -- oracles ----------------------------------------------------------------------------------
def utf8_oracle(text: str) -> list[int]:
    """UTF-8 from the code points, by the table in RFC 3629."""
    out: list[int] = []
    for ch in text:
        cp = ord(ch)
        if cp < 0x80:
            out.append(cp)
        elif cp < 0x800:
            out += [0xC0 | cp >> 6, 0x80 | cp & 0x3F]
        elif cp < 0x10000:
            out += [0xE0 | cp >> 12, 0x80 | cp >> 6 & 0x3F, 0x80 | cp & 0x3F]
        else:
            out += [
                0xF0 | cp >> 18,
                0x80 | cp >> 12 & 0x3F,
                0x80 | cp >> 6 & 0x3F,
                0x80 | cp & 0x3F,
            ]
    return out


def decode_oracle(values: list[int]) -> str:
    """UTF-8 decoding where each maximal invalid subpart becomes one U+FFFD (Unicode's
    recommended practice, chapter 3, table 3-7 of well-formed sequences)."""
    out: list[str] = []
    i, n = 0, len(values)
    while i < n:
        b = values[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        if 0xC2 <= b <= 0xDF:
            need, lo, hi = 1, 0x80, 0xBF
        elif 0xE0 <= b <= 0xEF:
            need = 2
            lo, hi = {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F)}.get(b, (0x80, 0xBF))
        elif 0xF0 <= b <= 0xF4:
            need = 3
            lo, hi = {0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}.get(b, (0x80, 0xBF))
        else:
            out.append("\ufffd")
            i += 1
            continue
        cp = b & (0x3F >> need)
        j = i + 1
        ok = True
        for k in range(need):
            first_lo, first_hi = (lo, hi) if k == 0 else (0x80, 0xBF)
            if j < n and first_lo <= values[j] <= first_hi:
                cp = cp << 6 | values[j] & 0x3F
                j += 1
            else:
                ok = False
                break
        out.append(chr(cp) if ok else "\ufffd")
        i = j
    return "".join(out)


# -- build_char_vocab, encode_chars, decode_chars -----------------------------------------------
@pytest.mark.parametrize("text", MULTILINGUAL)
def test_char_vocab_and_round_trip_on_multilingual_text(numbers, text):
    vocab = numbers.build_char_vocab(text)
    distinct = sorted({ord(c) for c in text})
    want = {chr(cp): i for i, cp in enumerate(distinct)}
    hint = ""
    if isinstance(vocab, dict) and set(vocab) == set(want) and vocab != want:
        hint = "number the characters in sorted (code point) order, from 0."
    assert vocab == want, explain(call("build_char_vocab", text), vocab, want, hint)
    ids = numbers.encode_chars(text, vocab)
    assert ids == [want[c] for c in text], explain(
        call("encode_chars", text, "<vocab>"), ids, [want[c] for c in text]
    )
    back = numbers.decode_chars(ids, vocab)
    assert back == text, explain(call("decode_chars", ids, "<vocab>"), back, text)


def test_emoji_sequence_is_several_characters(numbers):
    family = "👩\u200d👩\u200d👧"  # one picture on screen, five code points
    vocab = numbers.build_char_vocab(family)
    assert len(vocab) == 3, explain(
        call("build_char_vocab", family),
        vocab,
        expected_text="3 entries: 👩, 👧 and the zero-width joiner",
    )
    ids = numbers.encode_chars(family, vocab)
    assert len(ids) == 5, explain(
        call("encode_chars", family, vocab), ids, expected_text="5 ids, one per code point"
    )


def test_char_round_trip_on_large_random_text(numbers):
    rng = random.Random(11)
    pool = [chr(cp) for cp in range(32, 0x3000) if not 0xD800 <= cp <= 0xDFFF] + ["😀", "🙂", "\n"]
    text = "".join(rng.choice(pool) for _ in range(20_000))
    vocab = numbers.build_char_vocab(text)
    assert list(vocab.values()) == list(range(len(vocab))), (
        "build_char_vocab(<20,000 random characters>) must number its entries 0, 1, 2, ... in order."
    )
    keys = list(vocab)
    assert keys == sorted(set(text)), (
        "build_char_vocab(<20,000 random characters>): the characters are not in sorted order: "
        + first_difference(keys, sorted(set(text)))
    )
    ids = numbers.encode_chars(text, vocab)
    assert numbers.decode_chars(ids, vocab) == text, "decode_chars(encode_chars(text)) != text"


def test_encode_chars_of_empty_text_is_empty(numbers):
    got = numbers.encode_chars("", {"a": 0})
    assert got == [], explain(call("encode_chars", "", {"a": 0}), got, [])
    got = numbers.decode_chars([], {"a": 0})
    assert got == "", explain(call("decode_chars", [], {"a": 0}), got, "")


def test_encode_chars_unknown_emoji_names_it(numbers):
    vocab = numbers.build_char_vocab("abc")
    error = raises(KeyError, numbers.encode_chars, "ab😀", vocab)
    assert "😀" in str(error) or "\\U0001f600" in str(error), (
        f"the KeyError {error} should name the missing character '😀'."
    )


def test_encode_chars_does_not_skip_unknown_characters(numbers):
    vocab = {"a": 0, "b": 1}
    raises(
        KeyError,
        numbers.encode_chars,
        "a-b",
        vocab,
        hint="an unknown character must not be skipped or given a made-up id.",
    )


# -- utf8_bytes, from_utf8_bytes ------------------------------------------------------------------
@pytest.mark.parametrize("text", MULTILINGUAL)
def test_utf8_bytes_of_multilingual_text(numbers, text):
    got = numbers.utf8_bytes(text)
    want = utf8_oracle(text)
    hint = ""
    if got == [ord(c) for c in text]:
        hint = "those are code points (ord); encode the text with UTF-8 instead."
    assert got == want, explain(call("utf8_bytes", text), got, want, hint)
    back = numbers.from_utf8_bytes(got)
    assert back == text, explain(call("from_utf8_bytes", got), back, text)


def test_utf8_bytes_of_every_plane(numbers):
    text = "".join(chr(cp) for cp in (0x7F, 0x80, 0x7FF, 0x800, 0xFFFF, 0x10000, 0x10FFFF))
    got = numbers.utf8_bytes(text)
    want = utf8_oracle(text)
    assert got == want, explain(call("utf8_bytes", text), got, want)


def test_from_utf8_bytes_of_empty_list_is_empty(numbers):
    got = numbers.from_utf8_bytes([])
    assert got == "", explain(call("from_utf8_bytes", []), got, "")


@pytest.mark.parametrize(
    "values",
    [
        [0xFF],  # never valid in UTF-8
        [0x80, 0x41],  # a continuation byte with no lead
        [0xC0, 0xAF],  # an overlong "/"
        [0xED, 0xA0, 0x80],  # a surrogate, not allowed in UTF-8
        [0xF0, 0x9F, 0x98],  # an emoji cut short
        [0xE6, 0x97, 0xA5, 0xE6, 0x9C],  # "日" then half of "本"
    ],
)
def test_from_utf8_bytes_replaces_each_invalid_sequence(numbers, values):
    want = decode_oracle(values)
    try:
        got = numbers.from_utf8_bytes(values)
    except UnicodeDecodeError as exc:
        raise AssertionError(
            f"{call('from_utf8_bytes', values)} raised {exc!r}. Hint: decode with errors='replace'."
        ) from None
    assert got == want, explain(call("from_utf8_bytes", values), got, want)


def test_from_utf8_bytes_on_large_random_bytes(numbers):
    rng = random.Random(7)
    for trial in range(20):
        values = [rng.randrange(256) for _ in range(rng.randrange(1, 3000))]
        if trial % 2:  # mostly valid text with a few bytes flipped
            values = utf8_oracle("".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(800)))
            for _ in range(5):
                values[rng.randrange(len(values))] = rng.randrange(256)
        got = numbers.from_utf8_bytes(values)
        want = decode_oracle(values)
        if got != want:
            raise AssertionError(
                f"from_utf8_bytes(<{len(values)} random bytes, seed 7 trial {trial}>) is wrong: "
                + first_difference(list(got), list(want))
            )


def test_from_utf8_bytes_rejects_a_late_bad_value(numbers):
    values = [65] * 5000 + [300]
    raises(
        ValueError,
        numbers.from_utf8_bytes,
        values,
        call_text="from_utf8_bytes([65, ..., 65, 300])",
        hint="check every value, up to the last one, before decoding.",
    )
