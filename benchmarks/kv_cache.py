"""Benchmark: generation with and without the KV cache on the kit's trained GPT.

After a 16-token prompt, time the generation of 32, 64, 128 and 240 new tokens with the
reference solutions of lesson 2.5 (`generate`, which re-runs the whole context at every step)
and lesson 2.6 (`generate_cached`), greedy decoding, median of a few repeats. Both must return
the same ids. Prints a table and writes benchmarks/results/kv_cache.json, which the lesson 2.6
figure reads (scripts/figures/fig_2_6_kv_speedup.py).

    python benchmarks/kv_cache.py [--repeats 3]

Numpy runs single-threaded here (set before numpy is imported), so the numbers measure the
algorithm and stay comparable between machines with different core counts. The table and the
figure use CPU seconds (`time.process_time`), which other processes on a shared machine disturb
far less than wall-clock seconds; the wall-clock medians are recorded too. Run it on a quiet
machine all the same.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader import assets  # noqa: E402
from solutions.ch2_transformer.l05_context import generate  # noqa: E402
from solutions.ch2_transformer.l06_kv_cache import generate_cached  # noqa: E402

PROMPT_TOKENS = 16
NEW_TOKENS = (32, 64, 128, 240)
OUT = ROOT / "benchmarks" / "results" / "kv_cache.json"


def prompt_ids() -> list[int]:
    """The first 16 tokens of a sentence from the Python documentation, with the kit's BPE."""
    text = (
        "The for statement is used to iterate over the elements of a sequence (such as a "
        "string, tuple or list) or other iterable object."
    )
    ids = assets.kit_encode(text)
    assert len(ids) >= PROMPT_TOKENS, "the prompt text is too short for 16 tokens"
    return ids[:PROMPT_TOKENS]


def timed(fn, *args) -> tuple[float, float, list[int]]:  # type: ignore[no-untyped-def]
    """(CPU seconds, wall-clock seconds, result) of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn(*args)
    return time.process_time() - cpu, time.perf_counter() - wall, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per case; the median counts")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the JSON results")
    args = parser.parse_args(argv)

    params, config = assets.load_model()
    # float64 throughout, as in the lessons' tests: both paths then agree to about 1e-15, so
    # no near-tie between two tokens can flip between them
    params = {k: v if k == "blocks" else v.astype(np.float64) for k, v in params.items()}
    params["blocks"] = [{k: v.astype(np.float64) for k, v in b.items()} for b in params["blocks"]]
    prompt = prompt_ids()
    generate_cached(params, prompt, 8, config, [0.5] * 8)  # warm up imports and caches
    rows = []
    print(
        f"KV-cache benchmark: {PROMPT_TOKENS}-token prompt, greedy, median of {args.repeats}, "
        f"numpy single-threaded; CPU seconds (wall-clock seconds)"
    )
    print(f"{'new tokens':>10}  {'no cache':>17}  {'cache':>15}  {'speedup':>15}")
    for n_new in NEW_TOKENS:
        us = [0.5] * n_new
        runs: dict[str, list[float]] = {
            "plain": [],
            "plain_wall": [],
            "cached": [],
            "cached_wall": [],
        }
        for _ in range(args.repeats):
            cpu, wall, ids_plain = timed(generate, params, prompt, n_new, config, us)
            runs["plain"].append(cpu)
            runs["plain_wall"].append(wall)
            cpu, wall, ids_cached = timed(generate_cached, params, prompt, n_new, config, us)
            runs["cached"].append(cpu)
            runs["cached_wall"].append(wall)
            if ids_plain != ids_cached:
                raise SystemExit(f"generate and generate_cached disagree at {n_new} new tokens")
        med = {key: statistics.median(values) for key, values in runs.items()}
        row = {
            "new_tokens": n_new,
            "uncached_seconds": round(med["plain"], 4),
            "cached_seconds": round(med["cached"], 4),
            "speedup": round(med["plain"] / med["cached"], 1),
            "uncached_wall_seconds": round(med["plain_wall"], 4),
            "cached_wall_seconds": round(med["cached_wall"], 4),
            "wall_speedup": round(med["plain_wall"] / med["cached_wall"], 1),
        }
        rows.append(row)
        print(
            f"{n_new:>10}  {row['uncached_seconds']:>7.3f} ({row['uncached_wall_seconds']:>7.3f})"
            f"  {row['cached_seconds']:>6.3f} ({row['cached_wall_seconds']:>6.3f})"
            f"  {row['speedup']:>5.1f}x ({row['wall_speedup']:>5.1f}x)"
        )
    doc = {
        "benchmark": "kv_cache",
        "description": "generate (lesson 2.5, no cache) vs generate_cached (lesson 2.6), "
        "reference solutions, greedy, on the kit's trained GPT",
        "prompt_tokens": PROMPT_TOKENS,
        "repeats": args.repeats,
        "statistic": "median CPU seconds of the process (process_time); *_wall_* fields: "
        "median wall-clock seconds, which a busy shared machine inflates",
        "model": {
            k: config[k] for k in ("vocab_size", "context_length", "d_model", "n_heads", "n_layers")
        },
        "threads": 1,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
