"""Lesson 2.1: the kit model's next-token distribution after a prompt, its 15 most likely tokens."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader.assets import kit_decode, kit_encode, load_model  # noqa: E402
from solutions.ch2_transformer.l01_next_token import next_token_probs, top_predictions  # noqa: E402
from solutions.ch2_transformer.l02_forward_pass import forward  # noqa: E402

PROMPT = "An exception is raised when"


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    params, config = load_model()
    probs = next_token_probs(forward(params, np.array(kit_encode(PROMPT)), config))  # (V,)
    top = top_predictions(probs, 15)
    labels = [repr(kit_decode([i]))[1:-1].replace(" ", "\u2423") for i, _ in top]
    values = [p for _, p in top]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.barh(range(len(top))[::-1], values, color="#4c72b0")
    ax.set_yticks(
        range(len(top))[::-1],
        [f"{lab}  ({i})" for lab, (i, _) in zip(labels, top)],
        family="monospace",
        fontsize=9,
    )
    for y, v in zip(range(len(top))[::-1], values):
        ax.text(v + 0.004, y, f"{v:.3f}", va="center", fontsize=8)
    ax.set_xlabel("probability of the next token")
    ax.set_xlim(0, max(values) * 1.18)
    rest = 1 - sum(values)
    ax.set_title(
        f'Next token after "{PROMPT}"\nthe 15 most likely of {config["vocab_size"]} '
        f"tokens; the other {config['vocab_size'] - 15} share {rest:.2f}",
        fontsize=9,
    )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = out_dir / "2.1-next-token-distribution.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
