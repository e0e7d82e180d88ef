"""Lesson 1.2 - What is a token?

A token is the unit of text that gets one id. In scope: word tokens (a vocabulary of the most
frequent words, with an `<unk>` id for everything else), how often that vocabulary fails on new
text, and how long the same text is as bytes, characters, words and real subword tokens.
Left out: how subword vocabularies are learned (lesson 1.3).
Read lessons/ch1_tokens/1.2-what-is-a-token.md first.
Check your work with:  hexahype check 1.2
"""

from __future__ import annotations

from collections import Counter


def split_words(text: str) -> list[str]:
    """Split text into words and symbols.

    A word is a maximal run of characters for which str.isalnum() is True ("abc123" is one word,
    "_" is not part of a word). Every other character that is not whitespace is a token on its
    own, and whitespace is dropped.

    split_words("Hello, world_2!")  ->  ["Hello", ",", "world", "_", "2", "!"]
    """
    words: list[str] = []
    run: list[str] = []
    for ch in text:
        if ch.isalnum():
            run.append(ch)
            continue
        if run:  # the run of letters and digits ends here
            words.append("".join(run))
            run = []
        if not ch.isspace():
            words.append(ch)
    if run:
        words.append("".join(run))
    return words


def build_word_vocab(texts: list[str], max_size: int, unk: str = "<unk>") -> dict[str, int]:
    """A word vocabulary: id 0 is `unk`, then the most frequent words of `texts`.

    Ties in frequency are broken alphabetically (Python's string order). The vocab holds at
    most `max_size` entries in total, `unk` included. A max_size below 1 raises ValueError.

    build_word_vocab(["the cat", "the dog"], 3)  ->  {"<unk>": 0, "the": 1, "cat": 2}
    """
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1 (room for {unk!r}), got {max_size}")
    counts = Counter(word for text in texts for word in split_words(text))
    counts.pop(unk, None)  # unk already has id 0
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    vocab = {unk: 0}
    for word in ranked[: max_size - 1]:
        vocab[word] = len(vocab)
    return vocab


def encode_words(text: str, vocab: dict[str, int], unk: str = "<unk>") -> list[int]:
    """The id of every word of `text`; a word that is not in the vocab gets the id of `unk`.

    encode_words("the cow", {"<unk>": 0, "the": 1, "cat": 2})  ->  [1, 0]
    """
    ids: list[int] = []
    for word in split_words(text):
        if word in vocab:
            ids.append(vocab[word])
        elif unk in vocab:
            ids.append(vocab[unk])  # the one id that stands for every word the vocab lacks
        else:
            raise ValueError(f"{word!r} is not in the vocab, and the vocab has no {unk!r} entry")
    return ids


def unknown_rate(text: str, vocab: dict[str, int], unk: str = "<unk>") -> float:
    """The fraction of the words of `text` that map to `unk` (0.0 for a text with no words).

    unknown_rate("the cow", {"<unk>": 0, "the": 1, "cat": 2})  ->  0.5
    """
    ids = encode_words(text, vocab, unk)
    if not ids:
        return 0.0
    unk_id = vocab.get(unk)
    return sum(1 for i in ids if i == unk_id) / len(ids)


def sequence_lengths(text: str) -> dict[str, int]:
    """How many units the same text is, four ways.

    Keys: "bytes" (UTF-8 bytes), "chars" (characters), "words" (len(split_words(text))) and
    "cl100k" (tokens of GPT-4's real tokenizer, every string treated as plain text).

    sequence_lengths("héllo!")  ->  {"bytes": 7, "chars": 6, "words": 2, "cl100k": 4}
    """
    from grader.assets import cl100k  # loaded on first use: the tokenizer file is large

    return {
        "bytes": len(text.encode("utf-8")),
        "chars": len(text),
        "words": len(split_words(text)),
        # encode_ordinary: "<|endoftext|>" in user text is just text, not a special token
        "cl100k": len(cl100k().encode_ordinary(text)),
    }
