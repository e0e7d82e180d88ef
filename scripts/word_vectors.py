"""Learn the kit's small word vectors from the Python documentation (for lesson 1.7).

The recipe is the classic count-based one (Levy, Goldberg & Dagan, 2015):
1. words: lower-cased runs of letters, `re.findall("[a-z]+", text.lower())`;
2. vocabulary: the VOCAB most frequent words (ties alphabetical);
3. co-occurrence counts within WINDOW words on either side, a pair at distance k counting 1/k;
4. PPMI: positive pointwise mutual information, with the context counts raised to 0.75
   (this damps the pull of very rare contexts);
5. truncated SVD: the top DIM directions, each row is U * sqrt(S).

Rows are NOT normalised, so a bare dot product and the cosine give different neighbours.
The result is deterministic: the SVD's sign ambiguity is fixed (the largest entry of every
direction is positive) and the .npz archive is written with fixed timestamps.

    python scripts/word_vectors.py            # writes grader/data/word_vectors.npz
    python scripts/word_vectors.py --show     # and prints some neighbours
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.assets import pydoc_text  # noqa: E402

VOCAB = 3000
WINDOW = 4
DIM = 64
CONTEXT_POWER = 0.75
OUT = ROOT / "grader" / "data" / "word_vectors.npz"


def tokenize(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def build(text: str) -> tuple[np.ndarray, list[str]]:
    tokens = tokenize(text)
    counts = Counter(tokens)
    words = [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:VOCAB]]
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index.get(w, -1) for w in tokens])
    n = len(words)

    cooc = np.zeros((n, n))
    for dist in range(1, WINDOW + 1):
        left, right = ids[:-dist], ids[dist:]
        keep = (left >= 0) & (right >= 0)
        np.add.at(cooc, (left[keep], right[keep]), 1.0 / dist)
        np.add.at(cooc, (right[keep], left[keep]), 1.0 / dist)

    row = cooc.sum(axis=1)
    ctx = cooc.sum(axis=0) ** CONTEXT_POWER
    with np.errstate(divide="ignore"):
        pmi = np.log(cooc * ctx.sum() / (row[:, None] * ctx[None, :]))
    ppmi = np.where(cooc > 0, np.maximum(pmi, 0.0), 0.0)

    u, s, _ = np.linalg.svd(ppmi)
    u = u[:, :DIM]
    signs = np.sign(u[np.abs(u).argmax(axis=0), np.arange(DIM)])
    table = (u * signs) * np.sqrt(s[:DIM])
    return table.astype(np.float32), words


def save(path: Path, table: np.ndarray, words: list[str]) -> None:
    """np.savez, but with fixed timestamps so the file is byte-for-byte reproducible."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in (("table", table), ("words", np.array(words))):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())


def neighbours(table: np.ndarray, words: list[str], word: str, k: int = 5) -> list[str]:
    unit = table / np.linalg.norm(table, axis=1, keepdims=True)
    scores = unit @ unit[words.index(word)]
    order = np.argsort(-scores, kind="stable")
    return [f"{words[i]} {scores[i]:.2f}" for i in order[1 : k + 1]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--show", action="store_true", help="print some neighbours")
    args = parser.parse_args()
    table, words = build(pydoc_text())
    save(args.out, table, words)
    print(f"wrote {args.out.name}: {table.shape[0]} words x {table.shape[1]} dimensions")
    if args.show:
        for word in ("int", "true", "class", "key", "bytes", "read", "list"):
            print(f"{word:>6}: {', '.join(neighbours(table, words, word))}")


if __name__ == "__main__":
    main()
