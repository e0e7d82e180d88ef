"""Hidden tests for lesson 1.4, Tokenizers in practice: the learner's encode_with_ranks against
tiktoken's own encode_ordinary on the real cl100k_base, over prose, documentation, code, numbers,
whitespace, contractions, nine scripts and emoji; pieces, count_tokens and cross_decode against
tiktoken on the real tokenizers."""

import random

import pytest
import regex

from grader import assets
from grader.testing import call, explain, first_difference

PROSE = (
    "The quick brown fox jumps over the lazy dog. Tokenizers do not see words: they see bytes, "
    "which a learned table of merges glues into pieces. A model trained on one table cannot read "
    "another's ids, any more than a French reader can read a Korean novel by its page numbers."
)
CODE = '''def fib(n: int) -> int:
    """Return the n-th Fibonacci number."""
    a, b = 0, 1
    for _ in range(n):
\ta, b = b, a + b  # tab-indented on purpose
    return a

if __name__ == "__main__":
    print({"fib": [fib(i) for i in range(10)]}, end="\\n")
int main(void) { return x->y[0] != NULL && i++ >= 0x7f; }
'''
NUMBERS = (
    "0 7 42 123 1234 12345 123456789 3.14159 -2.5e-10 1,000,000 2024-01-15 0x1F "
    "98765432109876543210 $19.99 50% 1st 2nd 3rd 10:45pm v1.2.3 #12"
)
SPACES = "a  b   c    d\n\n\ne \t\t f\r\n g   \n   h\n \n  \n\n   end   "
CONTRACTIONS = (
    "I'll go. DON'T stop! it's fine, We've seen they're here; I'd say YOU'RE "
    "right. She'S SHE'LL he'd... 'quoted' rock'n'roll o'clock I'M WE'VE"
)
SCRIPTS = {
    "latin-accents": "Ça coûte cher, déjà vu: naïve façade, Ærøskøbing, Łódź, Straße, São Paulo.",
    "cyrillic": "Съешь же ещё этих мягких французских булок, да выпей чаю. Привет, мир!",
    "greek": "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Καλημέρα κόσμε!",
    "arabic": "مرحبا بالعالم. اللغة العربية جميلة جداً، أليس كذلك؟",
    "hebrew": "שלום עולם! עברית נכתבת מימין לשמאל.",
    "devanagari": "नमस्ते दुनिया। हिन्दी देवनागरी लिपि में लिखी जाती है।",
    "chinese": "你好，世界！机器学习模型把文本切分成词元。",
    "japanese": "こんにちは世界。カタカナとひらがなと漢字を混ぜて書きます。",
    "korean": "안녕하세요 세계! 한국어는 한글로 씁니다.",
    "mixed": "English, Ελληνικά, русский, 中文, 日本語, 한국어, العربية, עברית, हिन्दी.",
}
EMOJI = "👍 👍🏽 👋🏿 👨‍👩‍👧‍👦 🏳️‍🌈 👩🏿‍💻 🧑🏻‍🤝‍🧑🏾 🇫🇷🇯🇵 ❤️ ✌🏼 1️⃣ I ❤️ tokens 😀😀😀 🤖!"
SPECIALS_AS_TEXT = "a <|endoftext|> b <|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z <|endofprompt|>"

CORPUS = {
    "prose": PROSE,
    "code": CODE,
    "numbers": NUMBERS,
    "spaces": SPACES,
    "contractions": CONTRACTIONS,
    **SCRIPTS,
    "emoji": EMOJI,
    "specials-as-text": SPECIALS_AS_TEXT,
    "edge-whitespace-only": "   \n\n  \t ",
    "edge-single-space": " ",
    "edge-newline": "\n",
    "edge-trailing-spaces": "end with spaces   ",
}


def _bytes_of(enc, token_id):
    try:
        return enc.decode_single_token_bytes(token_id)
    except Exception:  # noqa: BLE001 - a wrong id from learner code
        return b"?"


def _mismatch(enc, label, text, got, want):
    """One readable line: the first differing token, its neighbours and its regex piece."""
    if not isinstance(got, list):
        return explain(
            call("encode_with_ranks", f"<{label}>", "<cl100k ranks>", "<pattern>"),
            got,
            expected_text="a list of ids",
        )
    i = next((k for k, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
    window = slice(max(0, i - 2), i + 3)
    show = lambda ids: " ".join(repr(_bytes_of(enc, t)) for t in ids[window])  # noqa: E731
    offset = sum(len(_bytes_of(enc, t)) for t in want[:i])
    piece, start = "", 0
    for piece in regex.findall(assets.cl100k_pattern(), text):
        start += len(piece.encode("utf-8"))
        if start > offset:
            break
    return (
        f"encode_with_ranks(<{label} text, {len(text)} chars>, <cl100k ranks>, <cl100k pattern>) "
        f"differs from tiktoken's encode_ordinary at token {i} (got {len(got)} tokens, expected "
        f"{len(want)}): got pieces [{show(got)}], expected [{show(want)}] (tokens {window.start}.."
        f"{window.start + 4}); the regex piece there is {piece!r}."
    )


def check_same_as_tiktoken(tokenizers, label, text):
    enc = assets.cl100k()
    want = enc.encode_ordinary(text)
    got = tokenizers.encode_with_ranks(text, assets.cl100k_ranks(), assets.cl100k_pattern())
    assert got == want, _mismatch(enc, label, text, got, want)


# -- encode_with_ranks == tiktoken on cl100k_base --------------------------------------------
@pytest.mark.parametrize("label", list(CORPUS))
def test_encode_with_ranks_equals_tiktoken(tokenizers, label):
    check_same_as_tiktoken(tokenizers, label, CORPUS[label])


@pytest.mark.parametrize("where", [0.1, 0.45, 0.8])
def test_encode_with_ranks_equals_tiktoken_on_python_docs(tokenizers, where):
    docs = assets.pydoc_text()
    start = int(len(docs) * where)
    check_same_as_tiktoken(tokenizers, f"python docs @{where}", docs[start : start + 3000])


def test_encode_with_ranks_equals_tiktoken_on_random_mixtures(tokenizers):
    rng = random.Random(1404)
    pools = [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "0123456789",
        " " * 6 + "\n\n\t\r",
        ".,;:!?'\"()[]{}<>|-_=+*/\\@#$%^&~`",
        "éèçñößøåÆŒ",
        "привет мир αβγδ",
        "你好世界日本語한국어",
        "😀👍🏽\u200d❤️",
        "\u00a0\u200b\u0301\u3000",
    ]
    for k in range(40):
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 60)))
        check_same_as_tiktoken(tokenizers, f"random mixture #{k}: {text!r}", text)


def test_encode_with_ranks_rechecks_ranks_after_each_merge(tokenizers):
    # After "bc" merges, the new pair a+bc (257) beats c+d (258): "abcd" -> abc, d.
    ranks = {bytes([b]): b for b in range(256)} | {b"bc": 256, b"abc": 257, b"cd": 258}
    got = tokenizers.encode_with_ranks("abcd", ranks, r"\S+|\s+")
    hint = (
        "after every merge, look at the new adjacent pairs again." if got == [97, 256, 100] else ""
    )
    assert got == [257, 100], explain(
        call("encode_with_ranks", "abcd", "<ranks>", r"\S+|\s+"), got, [257, 100], hint
    )


def test_encode_with_ranks_is_not_greedy_longest_match(tokenizers):
    # Longest match would take "ab" then "cd"; BPE merges "bc" first and then can never make "ab".
    ranks = {bytes([b]): b for b in range(256)} | {b"bc": 256, b"ab": 257, b"cd": 258}
    got = tokenizers.encode_with_ranks("abcd", ranks, r"\S+")
    hint = "BPE is not longest-match: follow the ranks." if got == [257, 258] else ""
    assert got == [97, 256, 100], explain(
        call("encode_with_ranks", "abcd", "<ranks>", r"\S+"), got, [97, 256, 100], hint
    )


# -- pieces, count_tokens on the real tokenizers -------------------------------------------
@pytest.mark.parametrize("label", ["prose", "emoji", "korean", "specials-as-text", "code"])
def test_pieces_match_tiktoken(tokenizers, label):
    enc, text = assets.cl100k(), CORPUS[label]
    got = tokenizers.pieces(enc, text)
    want = [enc.decode_single_token_bytes(t) for t in enc.encode_ordinary(text)]
    assert got == want, explain(
        call("pieces", "<cl100k>", f"<{label}>"), got, want, first_difference(got, want)
    )


def test_count_tokens_on_both_tokenizers(tokenizers):
    text = PROSE + SPECIALS_AS_TEXT
    for enc in (assets.cl100k(), assets.kit_bpe_encoding()):
        got = tokenizers.count_tokens(enc, text)
        want = len(enc.encode_ordinary(text))
        assert got == want, explain(
            call("count_tokens", f"<{enc.name}>", "<prose + specials>"), got, want
        )


# -- cross_decode ----------------------------------------------------------------------------
def test_cross_decode_kit_ids_with_cl100k_is_nonsense(tokenizers):
    kit, cl = assets.kit_bpe_encoding(), assets.cl100k()
    text = "The function returns a list of strings."
    ids = kit.encode_ordinary(text)
    got = tokenizers.cross_decode(ids, cl)
    want = cl.decode(ids)
    assert got == want, explain(call("cross_decode", ids, "<cl100k>"), got, want)
    assert got != text, "decoding the kit's ids with cl100k gave the text back; it should not."


def test_cross_decode_round_trips_on_the_right_tokenizer(tokenizers):
    cl = assets.cl100k()
    for label in ("mixed", "emoji", "spaces"):
        ids = cl.encode_ordinary(CORPUS[label])
        got = tokenizers.cross_decode(ids, cl)
        assert got == CORPUS[label], explain(
            call("cross_decode", f"<ids of {label}>", "<cl100k>"), got, CORPUS[label]
        )


def test_cross_decode_of_cut_characters_matches_tiktoken(tokenizers):
    cl = assets.cl100k()
    ids = cl.encode_ordinary("👨‍👩‍👧‍👦 déjà 你好")
    for cut in (1, 2, 3, len(ids) - 1):
        part = ids[:cut]
        got = tokenizers.cross_decode(part, cl)
        want = cl.decode(part)
        assert got == want, explain(call("cross_decode", part, "<cl100k>"), got, want)


def test_cross_decode_special_ids_decode_to_their_text(tokenizers):
    got = tokenizers.cross_decode([100257], assets.cl100k())
    assert got == "<|endoftext|>", explain(
        call("cross_decode", [100257], "<cl100k>"), got, "<|endoftext|>"
    )


@pytest.mark.parametrize(
    "ids,which",
    [
        ([791, 8415], "kit"),  # cl100k ids beyond the kit's 1,024
        ([40, 100261], "cl100k"),  # a hole in cl100k between its special tokens
        ([40, -1], "cl100k"),  # negative ids exist nowhere
        ([40, 10**12], "cl100k"),
    ],
)
def test_cross_decode_rejects_ids_the_encoding_lacks(tokenizers, ids, which):
    enc = assets.kit_bpe_encoding() if which == "kit" else assets.cl100k()
    try:
        got = tokenizers.cross_decode(ids, enc)
    except ValueError:
        return
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001
        pytest.fail(
            f"{call('cross_decode', ids, f'<{which}>')} raised {type(exc).__name__}: {str(exc).splitlines()[:1]}; "
            "expected ValueError.",
            pytrace=False,
        )
    pytest.fail(
        f"{call('cross_decode', ids, f'<{which}>')} returned {got!r}; expected ValueError.",
        pytrace=False,
    )
