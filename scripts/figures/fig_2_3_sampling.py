"""Lesson 2.3: how temperature reshapes the kit model's next-token distribution, and where top-p
cuts it (the token that crosses p is kept)."""

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
from solutions.ch2_transformer.l01_next_token import softmax  # noqa: E402
from solutions.ch2_transformer.l02_forward_pass import forward  # noqa: E402
from solutions.ch2_transformer.l03_sampling import apply_temperature, top_p_filter  # noqa: E402

PROMPT = "An exception is raised when"
SHOWN = 12
TOP_P = 0.8


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    params, config = load_model()
    logits = forward(params, np.array(kit_encode(PROMPT)), config)[-1]  # (V,)
    kept = np.isfinite(top_p_filter(logits, TOP_P))
    shown = max(SHOWN, int(kept.sum()) + 2)  # always show the crossing token and two after it
    order = np.argsort(-logits, kind="stable")[:shown]
    labels = [repr(kit_decode([int(i)]))[1:-1].replace(" ", "\u2423") for i in order]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))

    x = np.arange(shown)
    for j, (t, color) in enumerate(((0.5, "#c44e52"), (1.0, "#4c72b0"), (1.5, "#55a868"))):
        probs = softmax(apply_temperature(logits, t))  # (V,)
        left.bar(x + (j - 1) * 0.27, probs[order], width=0.27, color=color, label=f"T = {t}")
    left.set_xticks(x, labels, rotation=60, family="monospace", fontsize=8)
    left.set_ylabel("probability")
    left.set_title("Temperature: T < 1 sharpens, T > 1 flattens", fontsize=10)
    left.legend(fontsize=8)

    probs = softmax(logits)  # (V,)
    cum = np.cumsum(probs[order])
    colors = ["#4c72b0" if kept[i] else "#bbbbbb" for i in order]
    right.bar(x, probs[order], color=colors)
    right.plot(x, cum, "o-", color="#333333", markersize=3, label="cumulative probability")
    right.axhline(TOP_P, color="#c44e52", linestyle="--", linewidth=1)
    cross = int(np.argmax(cum >= TOP_P))  # the first sorted token whose running sum reaches p
    right.annotate(
        f"'{labels[cross]}' crosses p = {TOP_P} and is kept:\n"
        f"the running sum goes {cum[cross - 1]:.3f} -> {cum[cross]:.3f}",
        xy=(cross, cum[cross]),
        xytext=(cross - 3.6, 0.45),
        fontsize=8,
        family="monospace",
        arrowprops={"arrowstyle": "->", "color": "#333333", "linewidth": 0.8},
    )
    right.text(shown - 0.5, TOP_P + 0.02, f"p = {TOP_P}", ha="right", color="#c44e52", fontsize=9)
    right.set_xticks(x, labels, rotation=60, family="monospace", fontsize=8)
    right.set_ylim(0, 1.05)
    right.set_title(
        f"Top-p = {TOP_P}: blue tokens are kept, including the one that crosses p", fontsize=10
    )
    right.legend(fontsize=8, loc="upper left")
    for ax in (left, right):
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    fig.suptitle(f'Next token after "{PROMPT}" (the {shown} most likely tokens)', fontsize=10)
    fig.tight_layout()
    out = out_dir / "2.3-temperature-and-top-p.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
