"""Lesson 3.3: SmolLM2's speed on the reference solutions, read from the committed benchmark
results (benchmarks/results/capstone.json, written by benchmarks/capstone.py)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "capstone.json"


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    doc = json.loads(RESULTS.read_text(encoding="utf-8"))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    names = ["prefill\n(40-token prompt)", "decode\nwith the cache", "decode\nwithout"]
    rates = [
        doc["prefill_tokens_per_s_cpu"],
        doc["cached_tokens_per_s_cpu"],
        doc["uncached_tokens_per_s_cpu"],
    ]
    bars = ax1.bar(names, rates, color=["#9bbb59", "#4f81bd", "#c0504d"])
    for bar, r in zip(bars, rates):
        ax1.text(
            bar.get_x() + bar.get_width() / 2, r, f"{r:g}", ha="center", va="bottom", fontsize=9
        )
    ax1.axhline(20, color="#555555", linewidth=1, linestyle="--")
    ax1.text(2.45, 20, "20 tokens/s", ha="right", va="bottom", fontsize=8, color="#555555")
    ax1.set_yscale("log")
    ax1.set_ylabel("tokens per CPU second (log)")
    ax1.set_title("throughput", fontsize=10)
    cached = [1000 * s for s in doc["cached_step_seconds"]]
    plain = [1000 * s for s in doc["uncached_step_seconds"]]
    P = doc["prompt_tokens"]
    ax2.plot(range(1, len(cached) + 1), cached, "-", color="#4f81bd", label="forward_step (cache)")
    ax2.plot(range(1, len(plain) + 1), plain, "o-", color="#c0504d", label="forward (no cache)")
    ax2.set_xlabel(f"decoding step after a {P}-token prompt")
    ax2.set_ylabel("wall-clock ms per token (median)")
    ax2.set_title("time of each new token", fontsize=10)
    ax2.set_ylim(bottom=0)
    ax2.legend(fontsize=9, frameon=False)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        "SmolLM2-135M-Instruct in float32, numpy on one CPU thread "
        f"({doc['machine']}, load average {doc['load_average'][0]:g})",
        fontsize=9,
        y=0.02,
        va="bottom",
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    out = out_dir / "3.3-smollm2-speed.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
