"""Lesson 2.5: attention's quadratic cost. The number of query-key scores of one causal prefill
grows with T^2, while the per-token work of the projections and the feed-forward network grows
with T. Counts for the kit's GPT shape (4 layers, 4 heads, d = 128)."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from solutions.ch2_transformer.l05_context import attention_score_count  # noqa: E402

N_LAYERS, N_HEADS, D = 4, 4, 128


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    ts = list(range(0, 4097, 64))
    # multiply-adds: attention scores and the weighted sum of values (2 * dh per score) ...
    attn = [attention_score_count(t, N_LAYERS, N_HEADS) * 2 * (D // N_HEADS) for t in ts]
    # ... against the per-token matrices: q, k, v, o (4 d^2) and the feed-forward net (8 d^2)
    dense = [t * N_LAYERS * 12 * D * D for t in ts]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    scores = [attention_score_count(t, N_LAYERS, N_HEADS) / 1e6 for t in ts]
    ax1.plot(ts, scores, color="#c0504d", linewidth=2)
    for t, offset in ((1024, (6, 6)), (2048, (-4, 10)), (4096, (-112, -4))):
        s = attention_score_count(t, N_LAYERS, N_HEADS) / 1e6
        ax1.plot([t], [s], "o", color="#c0504d")
        ax1.annotate(
            f"T = {t}: {s:.0f} M", (t, s), textcoords="offset points", xytext=offset, fontsize=9
        )
    ax1.set_xlabel("tokens in one prefill (T)")
    ax1.set_ylabel("attention scores (millions)")
    ax1.set_title("attention_score_count(T, 4, 4): twice T, 4x the scores", fontsize=10)
    ax2.plot(ts, [a / 1e9 for a in attn], color="#c0504d", linewidth=2, label="attention (T²)")
    ax2.plot(
        ts,
        [x / 1e9 for x in dense],
        color="#4f81bd",
        linewidth=2,
        label="projections + feed-forward (T)",
    )
    ax2.set_xlabel("tokens in one prefill (T)")
    ax2.set_ylabel("multiply-adds (billions)")
    ax2.set_title("the quadratic part overtakes the linear part", fontsize=10)
    ax2.legend(fontsize=9, frameon=False)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, 4096)
        ax.set_ylim(bottom=0)
    fig.tight_layout()
    out = out_dir / "2.5-quadratic-cost.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
