"""Lesson 1.4: one sentence cut into tokens by cl100k_base and by the kit's small BPE.

The sentence is read from the lesson's first code block (`sentence = "..."`), so the figure and
the text always show the same one.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import assets  # noqa: E402
from solutions.ch1_tokens.l04_tokenizers import pieces  # noqa: E402

LESSON = ROOT / "lessons" / "ch1_tokens" / "1.4-tokenizers-in-practice.md"
COLOURS = ["#dbe9f6", "#f4b860", "#b8e0b0", "#e8c1e6", "#f6e3a1"]


def lesson_sentence(path: Path = LESSON) -> str:
    """The string literal assigned to `sentence` in the lesson's code."""
    m = re.search(r"^sentence = (.+)$", path.read_text(encoding="utf-8"), re.M)
    if m is None:
        raise SystemExit(f"{path.name}: no line `sentence = ...` in its code")
    return ast.literal_eval(m.group(1))


def shown(token: bytes) -> str:
    """A token as text, spaces as ␣; a token that is only part of a character, in hex."""
    try:
        return token.decode("utf-8").replace(" ", "\u2423")
    except UnicodeDecodeError:
        return token.hex()


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    text = lesson_sentence()
    kit = assets.kit_bpe_encoding()
    rows = [
        (f"cl100k_base ({len(assets.cl100k_ranks()):,} tokens)", pieces(assets.cl100k(), text)),
        (f"kit BPE ({kit.n_vocab:,} tokens)", pieces(kit, text)),
    ]
    width = len(text.encode("utf-8"))
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
            ax.text(
                x + len(tok) / 2,
                y,
                shown(tok),
                ha="center",
                va="center",
                fontsize=8 if len(tok) == 1 else 9,
                family="monospace",
            )
            x += len(tok)
    fig.tight_layout()
    out = out_dir / "1.4-token-pieces.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
