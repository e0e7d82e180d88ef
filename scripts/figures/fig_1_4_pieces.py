"""Lesson 1.4: one sentence cut into tokens by cl100k_base and by the kit's small BPE."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import assets  # noqa: E402
from solutions.ch1_tokens.l04_tokenizers import pieces  # noqa: E402

TEXT = "Tokenizers don't see words: they see 12345 bytes!"
COLOURS = ["#dbe9f6", "#f4b860", "#b8e0b0", "#e8c1e6", "#f6e3a1"]


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    rows = [
        ("cl100k_base (100,256 tokens)", pieces(assets.cl100k(), TEXT)),
        ("kit BPE (1,024 tokens)", pieces(assets.kit_bpe_encoding(), TEXT)),
    ]
    width = len(TEXT.encode("utf-8"))
    fig, ax = plt.subplots(figsize=(11, 1.9))
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(-2.0, 0.9)
    ax.axis("off")
    for r, (label, toks) in enumerate(rows):
        y = -r * 1.35
        ax.text(0, y + 0.62, f"{label}: {len(toks)} tokens", fontsize=9, ha="left", va="center")
        x = 0.0
        for k, tok in enumerate(toks):
            ax.add_patch(
                plt.Rectangle(
                    (x + 0.04, y - 0.35),
                    len(tok) - 0.08,
                    0.7,
                    facecolor=COLOURS[k % len(COLOURS)],
                    edgecolor="#333333",
                    linewidth=0.6,
                )
            )
            shown = tok.decode("utf-8", errors="replace").replace(" ", "\u2423")
            ax.text(
                x + len(tok) / 2, y, shown, ha="center", va="center", fontsize=9, family="monospace"
            )
            x += len(tok)
    fig.tight_layout()
    out = out_dir / "1.4-token-pieces.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
