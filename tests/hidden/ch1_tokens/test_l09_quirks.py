"""Hidden tests for lesson 1.9, Why LLMs act the way they do: the real cl100k_base on words,
numbers and texts in many languages that the visible tests do not use. The oracle is tiktoken
itself, called here directly."""

import pytest

from grader.assets import cl100k
from grader.testing import call, explain, first_difference, raises


def pieces(text):
    enc = cl100k()
    return [
        enc.decode_single_token_bytes(t).decode("utf-8", errors="replace") for t in enc.encode(text)
    ]


def n_tokens(text):
    return len(cl100k().encode(text))


@pytest.mark.parametrize(
    "word",
    [
        "strawberry",
        "raspberry",
        "Mississippi",
        "antidisestablishmentarianism",
        "naïve",
        "Straße",
        "日本語",
        "🙂",
    ],
)
def test_letters_hidden_matches_tiktoken(quirks, word):
    got = quirks.letters_hidden(cl100k(), word)
    want = pieces(word)
    hint = "return one piece of text per token id." if got == list(word) else ""
    assert got == want, explain(
        call("letters_hidden", "cl100k", word),
        got,
        want,
        hint or first_difference(list(got or []), want),
    )


@pytest.mark.parametrize(
    "number", ["3141592653589793", "1000000", "7", "20240131", "9876543210123"]
)
def test_digit_groups_matches_tiktoken(quirks, number):
    got = quirks.digit_groups(cl100k(), number)
    want = pieces(number)
    hint = "decode each id on its own, not the whole number." if got == [number] else ""
    assert got == want, explain(call("digit_groups", "cl100k", number), got, want, hint)
    assert "".join(got) == number, f"the groups {got} do not join back to {number!r}"


@pytest.mark.parametrize("word", ["banana", "rocket", "über", "new york", "o'clock", "iPhone"])
def test_whitespace_variants_match_tiktoken(quirks, word):
    enc = cl100k()
    got = quirks.whitespace_variants(enc, word)
    want = {
        "plain": enc.encode(word),
        "leading_space": enc.encode(" " + word),
        "capitalized": enc.encode(word.capitalize()),
        "upper": enc.encode(word.upper()),
    }
    hint = ""
    if (
        isinstance(got, dict)
        and got.get("capitalized") == enc.encode(word.title()) != want["capitalized"]
    ):
        hint = "use word.capitalize(), not word.title()."
    elif isinstance(got, dict) and got.get("leading_space") == enc.encode(word + " "):
        hint = 'the space goes in front: " " + word.'
    assert got == want, explain(call("whitespace_variants", "cl100k", word), got, want, hint)


TEXTS = {
    "en": "The weather is nice today, so we are going for a walk in the park.",
    "de": "Das Wetter ist heute schön, also gehen wir im Park spazieren.",
    "fr": "Il fait beau aujourd'hui, alors nous allons nous promener dans le parc.",
    "es": "Hoy hace buen tiempo, así que vamos a dar un paseo por el parque.",
    "ru": "Сегодня хорошая погода, поэтому мы идём гулять в парк.",
    "el": "Ο καιρός είναι ωραίος σήμερα, οπότε πάμε βόλτα στο πάρκο.",
    "hi": "आज मौसम अच्छा है, इसलिए हम पार्क में टहलने जा रहे हैं।",
    "ja": "今日は天気がいいので、公園に散歩に行きます。",
    "zh": "今天天气很好，所以我们去公园散步。",
    "ar": "الطقس جميل اليوم، لذلك سنذهب في نزهة في الحديقة.",
    "ko": "오늘은 날씨가 좋아서 공원에 산책하러 갑니다.",
}


def test_token_tax_matches_tiktoken_in_eleven_languages(quirks):
    got = quirks.token_tax(cl100k(), TEXTS)
    english = n_tokens(TEXTS["en"]) / len(TEXTS["en"])
    want = {lang: n_tokens(text) / len(text) / english for lang, text in TEXTS.items()}
    hint = ""
    if isinstance(got, dict) and got.get("en") != pytest.approx(1.0):
        hint = 'divide by the "en" value, so that "en" maps to 1.0.'
    elif isinstance(got, dict) and got.get("de") == pytest.approx(
        n_tokens(TEXTS["de"])
        / len(TEXTS["de"].split())
        / (n_tokens(TEXTS["en"]) / len(TEXTS["en"].split()))
    ):
        hint = "count tokens per character, not per word."
    ok = (
        isinstance(got, dict)
        and got.keys() == want.keys()
        and all(got[k] == pytest.approx(v, rel=1e-9) for k, v in want.items())
    )
    assert ok, explain(call("token_tax", "cl100k", "<11 languages>"), got, want, hint)


def test_token_tax_when_english_is_not_first(quirks):
    texts = {"pl": "Zażółć gęślą jaźń.", "en": "Hello there, friend."}
    got = quirks.token_tax(cl100k(), texts)
    english = n_tokens(texts["en"]) / len(texts["en"])
    want = {"pl": n_tokens(texts["pl"]) / len(texts["pl"]) / english, "en": 1.0}
    ok = (
        isinstance(got, dict)
        and got.keys() == want.keys()
        and all(got[k] == pytest.approx(v, rel=1e-9) for k, v in want.items())
    )
    assert ok, explain(call("token_tax", "cl100k", texts), got, want)


def test_token_tax_rejects_a_missing_english_text(quirks):
    raises(ValueError, quirks.token_tax, cl100k(), {"ja": "こんにちは", "ko": "안녕하세요"})


@pytest.mark.parametrize(
    "prompt", ["Once upon a", "def main(", "The answer is", "Translate to French:"]
)
def test_trailing_space_effect_matches_tiktoken(quirks, prompt):
    enc = cl100k()
    got = quirks.trailing_space_effect(enc, prompt)
    want = (enc.encode(prompt), enc.encode(prompt + " "))
    assert isinstance(got, tuple) and got == want, explain(
        call("trailing_space_effect", "cl100k", prompt), got, want
    )


@pytest.mark.parametrize(
    "word", ["information", "Wednesday", "racecar", "hello world", "tokenization"]
)
def test_reversal_cost_matches_tiktoken(quirks, word):
    got = quirks.reversal_cost(cl100k(), word)
    want = (n_tokens(word), n_tokens(word[::-1]))
    hint = "count tokens, not characters." if tuple(got) == (len(word), len(word)) else ""
    assert isinstance(got, tuple) and got == want, explain(
        call("reversal_cost", "cl100k", word), got, want, hint
    )
