"""Benchmark: SmolLM2-135M-Instruct on the chapter 3 reference solutions, numpy on one thread.

Measured, each as the median of a few repeats:
- load time: dequantising the GGUF file into the float32 cache (the first run ever), and
  loading the memory-mapped cache in a fresh process (every later run);
- peak memory: the largest resident set of a process that loads the model, prefills and
  decodes (the mapped weights included);
- prefill: tokens per second of one `forward_step` over a 40-token prompt;
- decode: tokens per second of `generate` after that prompt (the cached steps only), and of
  uncached decoding (lesson 3.2's `forward` on the whole sequence at every step), which must
  choose the same tokens;
- the ceiling of a cached step on this machine, in the same process: one matvec through every
  weight matrix (the 538 MB of float32 weights a step must read), so that a figure below the
  target can be told apart from a slow machine;
- the two pitfalls: cached decoding with 2 BLAS threads, and with the silent float64 of the
  misconception bank (`step_cache_float64.py`: lesson 2.6's float64 cache read back as it is).

Targets (issue 16): at least 20 tokens/s cached, at most 1 GB, at most 10 s to load.

    python benchmarks/capstone.py [--repeats 3]

BLAS runs on one thread (set before numpy is imported): on a busy two-core machine, two
OpenBLAS threads collapse to a fraction of one. Times are wall-clock and CPU seconds
(`time.process_time`); other processes inflate the former far more than the latter, so run it on
a quiet machine and read both. Writes benchmarks/results/capstone.json, which the lesson 3.3
figure reads (scripts/figures/fig_3_3_speed.py).
"""

from __future__ import annotations

import os

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "results" / "capstone.json"
PROMPT_TOKENS = 40
DECODE_TOKENS = 64
UNCACHED_TOKENS = 16
FLOAT64_TOKENS = 8
FLOAT64_MISTAKE = ROOT / "grader/tests/misconceptions/ch3_real_model/l03_chat/step_cache_float64.py"
TEXT = (
    "Photosynthesis is the process by which green plants use sunlight to make their own food. "
    "The plant takes in carbon dioxide from the air and water from the soil. Using the energy "
    "of light, it turns them into sugar and oxygen."
)

# One child process per repeat: a fresh interpreter, so load time and peak memory are honest.
CHILD = r"""
import json, os, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
sys.path.insert(0, sys.argv[1])
import numpy as np
from grader import capstone
params, config = capstone.load()
load_wall, load_cpu = time.perf_counter() - t0, time.process_time() - c0
from solutions.ch1_tokens.l04_tokenizers import encode_with_ranks
from solutions.ch3_real_model import l03_chat
from solutions.ch3_real_model.l02_llama import forward
from solutions.ch3_real_model.l03_chat import forward_step, generate, new_cache
tok = capstone.load_tokenizer()
prompt = tok.encode(sys.argv[2], encode_with_ranks)[: int(sys.argv[3])]
n_new, n_plain, mode = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
out = {"load_wall": load_wall, "load_cpu": load_cpu, "prompt_tokens": len(prompt)}
if mode == "float64":  # the silent-float64 mistake of the misconception bank, on the real model
    ns = dict(vars(l03_chat))
    exec(open(sys.argv[7], encoding="utf-8").read(), ns)
    forward_step = ns["forward_step"]

def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    res = fn()
    return res, time.perf_counter() - w, time.process_time() - c

forward_step(params, np.array(prompt[:8]), new_cache(config, 8), config)  # touch every page once
if mode == "full":
    _, out["prefill_wall"], out["prefill_cpu"] = timed(
        lambda: forward_step(params, np.array(prompt), new_cache(config, len(prompt)), config))
# cached decoding: the loop of generate, timed per step after the prefill
cache = new_cache(config, len(prompt) + n_new)
logits = forward_step(params, np.array(prompt), cache, config)[-1]
cached, steps = [], []
w, c = time.perf_counter(), time.process_time()
for _ in range(n_new):
    token = int(np.argmax(logits))
    cached.append(token)
    s = time.perf_counter()
    logits = forward_step(params, np.array([token]), cache, config)[0]
    steps.append(time.perf_counter() - s)
out.update(decode_wall=time.perf_counter() - w, decode_cpu=time.process_time() - c,
           decode_steps=steps, logits_dtype=str(logits.dtype))
if mode == "full":
    assert generate(params, prompt, n_new, config, [0.5] * n_new) == cached
    # uncached decoding: the whole sequence through forward at every step
    seq, plain, plain_steps = list(prompt), [], []
    w, c = time.perf_counter(), time.process_time()
    for _ in range(n_plain):
        s = time.perf_counter()
        token = int(np.argmax(forward(params, np.array(seq), config)[-1]))
        plain_steps.append(time.perf_counter() - s)
        seq.append(token)
        plain.append(token)
    out.update(uncached_wall=time.perf_counter() - w, uncached_cpu=time.process_time() - c,
               uncached_steps=plain_steps, same_tokens=plain == cached[:n_plain])
if mode == "full":
    # the machine's ceiling for a cached step: every weight matrix read once, by one matvec
    mats = [params["wte"].T] + [b[k] for b in params["blocks"] for k in
            ("w_q", "w_k", "w_v", "w_o", "w_gate", "w_up", "w_down")]
    reps = []
    for _ in range(5):
        s = time.perf_counter()
        for m in mats:
            np.ones((1, m.shape[0]), np.float32) @ m
        reps.append(time.perf_counter() - s)
    out.update(ceiling_step=sorted(reps)[2], weight_bytes=sum(m.nbytes for m in mats))
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(mode: str, n_new: int, threads: int = 1) -> dict:
    """One measurement in a fresh interpreter with `threads` BLAS threads."""
    env = dict(os.environ, **{var: str(threads) for var in THREAD_VARS})
    cmd = [sys.executable, "-c", CHILD, str(ROOT), TEXT, str(PROMPT_TOKENS), str(n_new)]
    cmd += [str(UNCACHED_TOKENS), mode, str(FLOAT64_MISTAKE)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    print(f"  {mode}, {threads} thread(s): done", file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def cold_load_seconds() -> tuple[float, float]:
    """Dequantise the GGUF file into a fresh cache folder, as the first run ever does."""
    from grader.capstone import fetch, weights

    with tempfile.TemporaryDirectory(prefix="hexahype-bench-") as tmp:
        w, c = time.perf_counter(), time.process_time()
        weights.build_cache(fetch.ensure_gguf(quiet=True), Path(tmp) / "cache", quiet=True)
        return time.perf_counter() - w, time.process_time() - c


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from grader import capstone

    capstone.ensure()
    runs = [child("full", DECODE_TOKENS) for _ in range(args.repeats)]
    two = [child("decode", DECODE_TOKENS, threads=2) for _ in range(args.repeats)]
    f64 = [child("float64", FLOAT64_TOKENS) for _ in range(args.repeats)]
    colds = [cold_load_seconds() for _ in range(args.repeats)]
    med = statistics.median
    P = runs[0]["prompt_tokens"]

    def rate(key: str, n: int) -> float:
        return round(n / med(r[key] for r in runs), 1)

    steps = [med(r["decode_steps"][i] for r in runs) for i in range(DECODE_TOKENS)]
    plain_steps = [med(r["uncached_steps"][i] for r in runs) for i in range(UNCACHED_TOKENS)]
    doc = {
        "benchmark": "capstone",
        "description": "SmolLM2-135M-Instruct (GGUF Q4_1, dequantised to float32) on the chapter 3 "
        "reference solutions, greedy",
        "statistic": f"median of {args.repeats} runs, each in a fresh process; *_cpu: CPU seconds "
        "of the process, *_wall: wall-clock seconds",
        "threads": 1,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "numpy": __import__("numpy").__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "prompt_tokens": P,
        "decode_tokens": DECODE_TOKENS,
        "uncached_tokens": UNCACHED_TOKENS,
        "load_cold_wall_seconds": round(med(c[0] for c in colds), 2),
        "load_cold_cpu_seconds": round(med(c[1] for c in colds), 2),
        "load_wall_seconds": round(med(r["load_wall"] for r in runs), 3),
        "load_cpu_seconds": round(med(r["load_cpu"] for r in runs), 3),
        "peak_memory_mb": round(max(r["peak_rss_mb"] for r in runs)),
        "prefill_tokens_per_s_wall": rate("prefill_wall", P),
        "prefill_tokens_per_s_cpu": rate("prefill_cpu", P),
        "cached_tokens_per_s_wall": rate("decode_wall", DECODE_TOKENS),
        "cached_tokens_per_s_cpu": rate("decode_cpu", DECODE_TOKENS),
        "uncached_tokens_per_s_wall": rate("uncached_wall", UNCACHED_TOKENS),
        "uncached_tokens_per_s_cpu": rate("uncached_cpu", UNCACHED_TOKENS),
        "same_tokens_cached_and_uncached": all(r["same_tokens"] for r in runs),
        "weight_mb": round(runs[0]["weight_bytes"] / 1e6),
        "ceiling_tokens_per_s_wall": round(1 / med(r["ceiling_step"] for r in runs), 1),
        "cached_tokens_per_s_cpu_2_threads": round(
            DECODE_TOKENS / med(r["decode_cpu"] for r in two), 1
        ),
        "cached_tokens_per_s_wall_2_threads": round(
            DECODE_TOKENS / med(r["decode_wall"] for r in two), 1
        ),
        "float64_cached_tokens_per_s_cpu": round(
            FLOAT64_TOKENS / med(r["decode_cpu"] for r in f64), 1
        ),
        "float64_cached_tokens_per_s_wall": round(
            FLOAT64_TOKENS / med(r["decode_wall"] for r in f64), 1
        ),
        "float64_logits_dtype": f64[0]["logits_dtype"],
        "cached_step_seconds": [round(s, 4) for s in steps],
        "uncached_step_seconds": [round(s, 4) for s in plain_steps],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    print(f"SmolLM2-135M-Instruct, chapter 3 reference solutions, 1 thread, {args.repeats} runs")
    print(
        f"  load: {doc['load_cold_wall_seconds']} s the first time (dequantising), "
        f"{doc['load_wall_seconds']} s after (memory-mapped cache)"
    )
    print(f"  peak memory: {doc['peak_memory_mb']} MB")
    for what in ("prefill", "cached", "uncached"):
        print(
            f"  {what}: {doc[f'{what}_tokens_per_s_cpu']} tokens/s of CPU time, "
            f"{doc[f'{what}_tokens_per_s_wall']} tokens/s wall-clock"
        )
    share = doc["cached_tokens_per_s_wall"] / doc["ceiling_tokens_per_s_wall"]
    print(
        f"  this machine's ceiling for a cached step (each of the {doc['weight_mb']} MB of "
        f"float32 weights read once by a matvec): {doc['ceiling_tokens_per_s_wall']} tokens/s "
        f"wall-clock; cached decoding reaches {share:.0%} of it"
    )
    print(
        f"  cached with 2 threads: {doc['cached_tokens_per_s_cpu_2_threads']} tokens/s of CPU "
        f"time, {doc['cached_tokens_per_s_wall_2_threads']} wall-clock"
    )
    print(
        f"  cached with the silent float64 ({doc['float64_logits_dtype']} logits): "
        f"{doc['float64_cached_tokens_per_s_cpu']} tokens/s of CPU time, "
        f"{doc['float64_cached_tokens_per_s_wall']} wall-clock"
    )
    print(
        f"  cached and uncached decoding choose the same tokens: "
        f"{doc['same_tokens_cached_and_uncached']}"
    )
    print(f"  load average during the runs: {doc['load_average']}")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0 if doc["same_tokens_cached_and_uncached"] else 1


if __name__ == "__main__":
    sys.exit(main())
