"""Lesson 1.3: the merge steps of the worked example "aaabdaaabac", one row per step."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from solutions.ch1_tokens.l03_bpe import merge, train_bpe, vocab_bytes  # noqa: E402

TEXT = "aaabdaaabac"


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    merges = train_bpe(TEXT, 259)
    vocab = vocab_bytes(merges)
    rows = [("bytes", list(TEXT.encode("utf-8")))]
    ids = rows[0][1]
    for (a, b), new_id in merges:
        ids = merge(ids, (a, b), new_id)
        rows.append((f"merge ({a}, {b}) -> {new_id}", ids))
    fig, ax = plt.subplots(figsize=(9, 0.75 * len(rows) + 0.4))
    ax.set_xlim(-4.6, 13.4)
    ax.set_ylim(-len(rows) + 0.3, 0.9)
    ax.axis("off")
    for r, (label, seq) in enumerate(rows):
        y = -r
        ax.text(-4.5, y, label, va="center", ha="left", fontsize=9, family="monospace")
        x = 0.0
        for tok in seq:
            width = len(vocab[tok])
            new = tok >= 256
            ax.add_patch(
                plt.Rectangle(
                    (x + 0.05, y - 0.35),
                    width - 0.1,
                    0.7,
                    facecolor="#f4b860" if new else "#dbe9f6",
                    edgecolor="#333333",
                    linewidth=0.8,
                )
            )
            text = vocab[tok].decode("utf-8")
            ax.text(
                x + width / 2,
                y + 0.08,
                text,
                ha="center",
                va="center",
                fontsize=10,
                family="monospace",
            )
            ax.text(
                x + width / 2,
                y - 0.22,
                str(tok),
                ha="center",
                va="center",
                fontsize=7,
                color="#555555",
            )
            x += width
        ax.text(11.4, y, f"{len(seq)} tokens", va="center", ha="left", fontsize=9)
    fig.tight_layout()
    out = out_dir / "1.3-bpe-merges.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
