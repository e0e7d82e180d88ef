"""Train the kit's own byte-level BPE tokenizer with the lesson 1.3 reference code.

The training text is the Python documentation that ships with CPython (`pydoc_data.topics`).
The result, `grader/data/kit_bpe.json`, is the tokenizer of the kit's small GPT (chapter 2) and
the "other tokenizer" of lesson 1.4's cross-decoding demonstration.

    python scripts/train_tokenizer.py [--vocab-size 1024] [--chars 120000]

Deterministic: the same Python documentation text gives the same merges.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.assets import pydoc_text  # noqa: E402
from solutions.ch1_tokens.l03_bpe import train_bpe  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vocab-size", type=int, default=1024)
    ap.add_argument("--chars", type=int, default=120_000, help="train on this many characters")
    ap.add_argument("--out", type=Path, default=ROOT / "grader" / "data" / "kit_bpe.json")
    args = ap.parse_args()
    text = pydoc_text()[: args.chars]
    start = time.time()
    merges = train_bpe(text, args.vocab_size)
    took = time.time() - start
    doc = {
        "format": "hexahype-bpe/1",
        "description": "byte-level BPE trained with solutions/ch1_tokens/l03_bpe.py on "
        "pydoc_data.topics",
        "vocab_size": 256 + len(merges),
        "training_chars": len(text),
        "python": platform.python_version(),
        "merges": [[a, b, new_id] for (a, b), new_id in merges],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(merges)} merges in {took:.1f}s -> {args.out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
