"""Lesson 2.6: the measured effect of the KV cache, read from the committed benchmark results
(benchmarks/results/kv_cache.json, written by benchmarks/kv_cache.py)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "benchmarks" / "results" / "kv_cache.json"


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    doc = json.loads(RESULTS.read_text(encoding="utf-8"))
    rows = doc["results"]
    n = [r["new_tokens"] for r in rows]
    plain = [r["uncached_seconds"] for r in rows]
    cached = [r["cached_seconds"] for r in rows]
    speedup = [r["speedup"] for r in rows]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax1.plot(n, plain, "o-", color="#c0504d", linewidth=2, label="generate (no cache)")
    ax1.plot(n, cached, "o-", color="#4f81bd", linewidth=2, label="generate_cached")
    ax1.set_xlabel(f"new tokens after a {doc['prompt_tokens']}-token prompt")
    ax1.set_ylabel("CPU seconds (median)")
    ax1.set_title("time to generate", fontsize=10)
    ax1.legend(fontsize=9, frameon=False)
    ax1.set_ylim(bottom=0)
    bars = ax2.bar([str(x) for x in n], speedup, color="#9bbb59")
    for bar, s in zip(bars, speedup):
        ax2.text(
            bar.get_x() + bar.get_width() / 2,
            bar.get_height(),
            f"{s:.0f}x",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    ax2.set_xlabel("new tokens")
    ax2.set_ylabel("speedup (no cache / cache)")
    ax2.set_title("the KV cache's speedup grows with the length", fontsize=10)
    for ax in (ax1, ax2):
        ax.spines[["top", "right"]].set_visible(False)
    m = doc["model"]
    fig.suptitle(
        f"kit GPT: {m['n_layers']} layers, d = {m['d_model']}, numpy on one CPU thread",
        fontsize=9,
        y=0.02,
        va="bottom",
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    out = out_dir / "2.6-kv-cache-speedup.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
