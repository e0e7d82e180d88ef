"""SmolLM2's tokenizer as data for lesson 1.4's `encode_with_ranks`, with the model's pre-split
and chat template.

SmolLM2 is byte-level BPE, like GPT-2 and `cl100k_base`:
- **Token strings.** The GGUF file stores each token as GPT-2's "byte-level" string, in which
  every byte stands for one printable character (a space is `Ġ`). `token_bytes` undoes that.
- **Ranks.** The rank table maps a token's bytes to its id. It is derived from the GGUF merges:
  the 235 single bytes of the vocabulary keep their ids, and the n-th merge `a b` creates the
  token `a + b` with the next id. The merges come in the order they were learned, so a lower id
  is an earlier merge and "merge the lowest rank first" is the model's own merge order. The table
  is checked against the vocabulary when it is built, as tiktoken checks GPT-2's.
- **Pre-split.** `tokenizer.ggml.pre` is `smollm`: every digit is split out on its own first,
  then the GPT-2 regex (`PATTERN`) splits each remaining chunk. A single regex cannot do both:
  folding the digit rule into the pattern disagrees with the model on about one string in seven.
  So `split_digits` is the kit's part, and `encode_with_ranks(chunk, ranks, PATTERN)` on each
  chunk is the learner's.
- **Gaps.** 21 byte values have no token of their own (six control characters, and lead bytes
  of code points above U+3FFFF or of no UTF-8 at all); text with them cannot be encoded.
- **Special tokens** (ids 0-16, such as `<|im_start|>`) are never produced from text: the chat
  template inserts their ids.
"""

from __future__ import annotations

import codecs
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# GPT-2's pre-tokenizer regex (needs the `regex` module for \p{L} and \p{N})
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
DIGIT = r"(\p{N})"
SYSTEM_PROMPT = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
NORMAL, CONTROL = 1, 3  # GGUF token types

EncodeFn = Callable[[str, dict[bytes, int], str], list[int]]


@functools.lru_cache(maxsize=1)
def byte_to_unicode() -> dict[int, str]:
    """GPT-2's map from each byte to a printable character: printable Latin-1 bytes map to
    themselves, the others to U+0100 and up, in order."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), 256)]
    cs = list(bs)
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


@functools.lru_cache(maxsize=1)
def unicode_to_byte() -> dict[str, int]:
    return {c: b for b, c in byte_to_unicode().items()}


def token_bytes(token: str) -> bytes:
    """A byte-level token string back to its bytes: `ĠParis` -> b' Paris'."""
    table = unicode_to_byte()
    return bytes(table[c] for c in token)


def split_digits(text: str) -> list[str]:
    """The first step of the `smollm` pre-split: every digit (\\p{N}) becomes a chunk of its own.

    split_digits("in 2024, twice")  ->  ['in ', '2', '0', '2', '4', ', twice']
    """
    import regex

    return [chunk for chunk in regex.split(DIGIT, text) if chunk]


def pre_split(text: str) -> list[str]:
    """The model's whole pre-split: digits first, then the GPT-2 regex inside each chunk."""
    import regex

    return [piece for chunk in split_digits(text) for piece in regex.findall(PATTERN, chunk)]


@dataclass(frozen=True)
class SmolTokenizer:
    """The tokenizer data and the kit's helpers around the learner's `encode_with_ranks`."""

    ranks: dict[bytes, int] = field(repr=False)
    specials: dict[str, int]
    bos_id: int
    eos_id: int
    vocab_size: int
    _bytes: tuple[bytes, ...] = field(repr=False)
    chat_template: str = field(repr=False, default="")

    @property
    def pattern(self) -> str:
        return PATTERN

    def split_digits(self, text: str) -> list[str]:
        """The first step of the pre-split (see the module function)."""
        return split_digits(text)

    def pre_split(self, text: str) -> list[str]:
        """The whole pre-split: digits first, then the GPT-2 regex in each chunk."""
        return pre_split(text)

    @functools.cached_property
    def missing_bytes(self) -> frozenset[int]:
        """Byte values with no token of their own."""
        return frozenset(b for b in range(256) if bytes([b]) not in self.ranks)

    def check_text(self, text: str) -> None:
        """Raise ValueError naming the first character that the vocabulary cannot encode."""
        if not self.missing_bytes:
            return
        for ch in text:
            raw = ch.encode("utf-8", errors="surrogatepass")
            if any(b in self.missing_bytes for b in raw):
                raise ValueError(
                    f"SmolLM2's vocabulary cannot encode the character {ch!r} (U+{ord(ch):04X}): "
                    "it has no token for one of its bytes"
                )

    def encode(self, text: str, encode_with_ranks: EncodeFn) -> list[int]:
        """Plain text to ids with lesson 1.4's `encode_with_ranks`, after the digit pre-split.
        Special-token strings in the text stay plain text."""
        self.check_text(text)
        ids: list[int] = []
        for chunk in split_digits(text):
            ids.extend(int(i) for i in encode_with_ranks(chunk, self.ranks, PATTERN))
        return ids

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes of one id; a special token gives its text, such as b'<|im_end|>'."""
        if not 0 <= token_id < len(self._bytes):
            raise ValueError(f"{token_id} is no token id of SmolLM2 (0..{len(self._bytes) - 1})")
        return self._bytes[token_id]

    def decode(self, ids: Iterable[int], skip_special: bool = True) -> str:
        """Ids to text; invalid UTF-8 becomes U+FFFD. Special tokens are left out unless
        `skip_special` is False."""
        chunks = [
            self.token_bytes(int(i)) for i in ids if not (skip_special and int(i) < self.first_id)
        ]
        return b"".join(chunks).decode("utf-8", errors="replace")

    @functools.cached_property
    def first_id(self) -> int:
        """The first id that is not a special token."""
        return min(self.ranks.values())

    def stream_decoder(self) -> StreamDecoder:
        """A decoder that takes one id at a time and returns the text it completes (a character
        split over two tokens appears once its last byte has come)."""
        return StreamDecoder(self)

    def chat_segments(
        self, messages: list[dict[str, str]], add_generation_prompt: bool = True
    ) -> list[tuple[str, bool]]:
        """The chat template (ChatML, as `tokenizer.chat_template` in the GGUF file) as segments
        `(text, is_special)`. A first message that is not a system message gets the model's
        default system prompt, as the template does."""
        out: list[tuple[str, bool]] = []
        if messages and messages[0]["role"] != "system":
            messages = [{"role": "system", "content": SYSTEM_PROMPT}, *messages]
        for m in messages:
            out += [
                ("<|im_start|>", True),
                (m["role"] + "\n" + m["content"], False),
                ("<|im_end|>", True),
                ("\n", False),
            ]
        if add_generation_prompt:
            out += [("<|im_start|>", True), ("assistant\n", False)]
        return out

    def chat_text(self, messages: list[dict[str, str]], add_generation_prompt: bool = True) -> str:
        """The chat template rendered as one string (for display and for comparing with the
        template's own rendering)."""
        return "".join(t for t, _ in self.chat_segments(messages, add_generation_prompt))

    def chat_ids(
        self,
        messages: list[dict[str, str]],
        encode_with_ranks: EncodeFn,
        add_generation_prompt: bool = True,
    ) -> list[int]:
        """The ids of a chat: the special tokens' ids from the template, and every text part
        through `encode` (so a user who types "<|im_end|>" gets plain text, never the token)."""
        ids: list[int] = []
        for text, special in self.chat_segments(messages, add_generation_prompt):
            ids += [self.specials[text]] if special else self.encode(text, encode_with_ranks)
        return ids


class StreamDecoder:
    """Incremental decoding for streaming: `feed(id)` returns the new text, `flush()` the rest
    (U+FFFD for a character cut off at the end)."""

    def __init__(self, tok: SmolTokenizer) -> None:
        self.tok = tok
        self._dec = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, token_id: int) -> str:
        if token_id < self.tok.first_id:  # special tokens are not text
            return ""
        return self._dec.decode(self.tok.token_bytes(token_id))

    def flush(self) -> str:
        return self._dec.decode(b"", final=True)


def build(data: dict[str, Any]) -> SmolTokenizer:
    """The tokenizer from the GGUF metadata (`weights.read_tokenizer`), with the rank table
    derived from the merges and checked against the vocabulary."""
    if data.get("model") != "gpt2" or data.get("pre") != "smollm":
        raise ValueError(
            f"expected a gpt2 tokenizer with the smollm pre-split, got {data.get('model')!r} / "
            f"{data.get('pre')!r}"
        )
    tokens, types = data["tokens"], data["token_types"]
    specials = {t: i for i, (t, k) in enumerate(zip(tokens, types)) if k == CONTROL}
    normal = [i for i, k in enumerate(types) if k == NORMAL]
    first = min(normal)
    # the ranks, from the merges: single bytes keep their ids, merge n makes the next id
    ranks: dict[bytes, int] = {}
    for i in normal:
        if len(tokens[i]) == 1:
            ranks[token_bytes(tokens[i])] = i
    next_id = first + len(ranks)
    for merge in data["merges"]:
        a, b = merge.split(" ")
        ranks[token_bytes(a) + token_bytes(b)] = next_id
        next_id += 1
    vocab = {token_bytes(tokens[i]): i for i in normal}
    if ranks != vocab:
        bad = next(k for k in vocab if ranks.get(k) != vocab[k])
        raise ValueError(
            f"the merges do not rebuild the vocabulary: {bad!r} has id {vocab[bad]}, "
            f"rank {ranks.get(bad)}"
        )
    all_bytes = tuple(
        t.encode("utf-8") if k == CONTROL else token_bytes(t) for t, k in zip(tokens, types)
    )
    return SmolTokenizer(
        ranks=ranks,
        specials=specials,
        bos_id=int(data["bos_id"]),
        eos_id=int(data["eos_id"]),
        vocab_size=len(tokens),
        _bytes=all_bytes,
        chat_template=data.get("chat_template") or "",
    )


def hf_tokenizer(data: dict[str, Any]) -> Any:
    """An independent implementation for checks: Hugging Face `tokenizers` (Rust) built from
    the same GGUF vocabulary and merges, with SmolLM2's own pre-tokenizer (Digits with
    individual digits, then ByteLevel with the GPT-2 regex) and its special tokens. Needs the
    `tokenizers` package (a maintainer tool, in the dev extra)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    tokens, types = data["tokens"], data["token_types"]
    vocab = {t: i for i, t in enumerate(tokens)}
    merges = [tuple(m.split(" ")) for m in data["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(
        [AddedToken(t, special=True) for t, k in zip(tokens, types) if k == CONTROL]
    )
    return tok
