"""Lesson 1.7: cosine similarities between a handful of words, from the kit's word vectors."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader.assets import word_vectors  # noqa: E402
from solutions.ch1_tokens.l07_similarity import cosine_matrix  # noqa: E402

WORDS = ["int", "float", "true", "false", "class", "instance", "key", "value", "upper", "lower"]


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    table, words = word_vectors()
    rows = table[[words.index(w) for w in WORDS]]
    sims = cosine_matrix(rows, rows)
    fig, ax = plt.subplots(figsize=(6.4, 5.4))
    im = ax.imshow(sims, cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(WORDS)), WORDS, rotation=45, ha="right", family="monospace")
    ax.set_yticks(range(len(WORDS)), WORDS, family="monospace")
    for i in range(len(WORDS)):
        for j in range(len(WORDS)):
            ax.text(
                j,
                i,
                f"{sims[i, j]:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if abs(sims[i, j]) > 0.6 else "black",
            )
    ax.set_title("cosine similarity of the kit's word vectors", fontsize=10)
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    out = out_dir / "1.7-similarity-heatmap.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]


if __name__ == "__main__":
    print(make(ROOT / "lessons" / "figures"))
