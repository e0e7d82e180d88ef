"""The recorded expected values of the visible chapter 2 and 3 tests.

Visible tests ship to students, so they may not compute their expected values with a working
reference (a forward pass, attention, a sampler, RoPE): they read them from
`grader/data/recorded/<chapter>/<module>.json`, written here from the instructor-side oracles
(`grader.instructor.oracles`, `grader.instructor.capstone`), inputs included, so the data does not
depend on numpy's random streams. Chapter 3's tiny Llama is the exception (its weights would
take far more room than its results): its cases name a seed of `grader.capstone.tiny`, with a
probe of the weights that the tests check first. `hexahype verify` fails when the committed data
differs from what the oracles give now;

    python -m grader.instructor.recorded          # regenerate the data
    python -m grader.instructor.recorded --check  # what verify checks
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..capstone import tiny
from . import capstone as c
from . import oracles as o

FORMAT = "hexahype-recorded"
VERSION = 1
FOLDER = Path("grader") / "data" / "recorded"

Cases = dict[str, dict[str, Any]]


def encode(value: Any) -> Any:
    """Plain JSON: arrays as {"array": nested lists, "dtype": ...}; floats keep every digit
    (float32 arrays in the shortest digits that give back the same float32 values)."""
    if isinstance(value, np.ndarray):
        if value.dtype == np.float32:
            return {"array": value.astype(str).astype(np.float64).tolist(), "dtype": "<f4"}
        return {"array": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def _forward_pass() -> Cases:
    wte = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    wpe = np.array([[0.0, 0.5], [0.5, 0.0], [1.0, 1.0], [2.0, 0.0]])
    params = {
        "wte": wte,
        "wpe": wpe,
        "lnf_g": np.ones(2),
        "lnf_b": np.zeros(2),
        "blocks": [],
    }
    config = {"vocab_size": 3, "context_length": 4, "d_model": 2, "n_heads": 1, "n_layers": 0}
    ids = [1, 2]
    embedded = wte[ids] + wpe[: len(ids)]
    return {
        "forward_without_blocks": {
            "ids": ids,
            "want": o.ref_forward(params, ids, config),
            "embedded": embedded,  # forward's parts, for the localisation of a failing forward
        }
    }


def _attention_case(q: Any, k: Any, v: Any, mask: Any = None) -> dict[str, Any]:
    allowed = np.ones((q.shape[0], k.shape[0]), dtype=bool) if mask is None else mask
    case = {"q": q, "k": k, "v": v, "want": o.ref_attention(q, k, v, allowed)}
    # the known mistakes that the hints name, with the same mask
    case["unscaled"] = o.ref_attention(q, k, v, allowed, scale=False)
    case["over_queries"] = o.ref_attention(q, k, v, allowed, axis=0)
    if mask is not None:
        case["mask"] = np.asarray(mask, dtype=bool)
    return case


def _block() -> Cases:
    cases: Cases = {}
    x = np.linspace(-2.0, 2.0, 6).reshape(2, 3)
    cases["gelu_shape"] = {"x": x, "want": o.ref_gelu(x)}
    cases["scales_by_sqrt_dh"] = _attention_case(
        np.array([[2.0, 0.0, 0.0, 0.0]]),
        np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]),
        np.array([[1.0, 0.0], [0.0, 1.0]]),
    )
    cases["equal_scores"] = _attention_case(
        np.zeros((2, 2)),
        np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 2.0]]),
    )
    cases["softmax_over_keys"] = _attention_case(
        np.array([[1.0, 0.0], [0.0, 2.0]]),
        np.array([[1.0, 1.0], [2.0, 0.0], [0.0, -1.0]]),
        np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
    )
    cases["masked_keys"] = _attention_case(
        np.array([[1.0, 0.0], [0.0, 1.0]]),
        np.array([[1.0, 0.0], [0.0, 1.0]]),
        np.array([[1.0, 1.0], [100.0, -100.0]]),
        np.array([[True, False], [True, True]]),
    )
    p, x = o.block_params(4, seed=1), np.random.default_rng(2).normal(size=(3, 4))
    cases["mha_contiguous"] = {
        "p": p,
        "x": x,
        "mask": np.array(o.tril(3)),
        "want": o.ref_mha(x, p, 2, o.tril(3)),
        "interleaved": o.ref_mha(x, p, 2, o.tril(3), interleaved=True),
    }
    p, x = o.block_params(6, seed=3), np.random.default_rng(4).normal(size=(4, 6))
    cases["mha_no_mask"] = {"p": p, "x": x, "want": o.ref_mha(x, p, 3, np.ones((4, 4), bool))}
    p, x = o.block_params(2, seed=5), np.array([[1.0, -1.0], [0.5, 2.0]])
    cases["feed_forward"] = {"p": p, "x": x, "want": o.ref_ff(x, p)}
    p, x = o.block_params(4, seed=6), np.random.default_rng(7).normal(size=(3, 4))
    cases["block"] = {
        "p": p,
        "x": x,
        "want": o.ref_block(x, p, 2, o.tril(3)),
        "post_ln": o.ref_block(x, p, 2, o.tril(3), post_ln=True),
        "unmasked": o.ref_block(x, p, 2, np.ones((3, 3), bool)),
        "trace": _block_parts(x, p, 2),
    }
    p, x = o.block_params(4, seed=8), np.random.default_rng(9).normal(size=(5, 4))
    cases["block_future"] = {"p": p, "x": x}
    return cases


def _block_parts(x: np.ndarray, p: dict[str, Any], n_heads: int) -> dict[str, Any]:
    """A pre-LN block part by part, for the localisation of a failing transformer_block
    (`grader.testing.localise`): each part's output on the reference's input to it."""
    mask = o.tril(len(x))
    ln1 = o.ref_layer_norm(x, p["ln1_g"], p["ln1_b"])
    att = o.ref_mha(ln1, p, n_heads, mask)
    ln2 = o.ref_layer_norm(x + att, p["ln2_g"], p["ln2_b"])
    return {
        "ln1": ln1,
        "mask": np.array(mask, dtype=float),
        "att": att,
        "mid": x + att,
        "ln2": ln2,
        "ff": o.ref_ff(ln2, p),
    }


CFG_CONTEXT = {"vocab_size": 13, "context_length": 8, "d_model": 8, "n_heads": 2, "n_layers": 2}
CFG_CACHE = {"vocab_size": 13, "context_length": 12, "d_model": 8, "n_heads": 2, "n_layers": 2}


def _context() -> Cases:
    cfg, p = CFG_CONTEXT, o.gpt_params(CFG_CONTEXT, seed=2025)
    cases: Cases = {"model": {"config": cfg, "params": p}}
    ids = [3, 1, 4, 1, 5]
    cases["prefill"] = {"ids": ids, "want": o.ref_forward(p, ids, cfg)}
    ids = [2, 7, 1, 8, 2, 8]
    cases["sequential"] = {"ids": ids, "want": o.ref_forward(p, ids, cfg)}
    for name, prompt, n, us, sampler in (
        ("greedy", [1, 2, 3], 4, [0.5] * 4, {}),
        ("sampled", [4, 0], 5, [0.1, 0.9, 0.35, 0.6, 0.75], {"temperature": 1.0}),
        (
            "sliding",
            [1, 2, 3, 4, 5, 6, 7],
            4,
            [0.2, 0.4, 0.6, 0.8],
            {"temperature": 0.8, "top_k": 3},
        ),
    ):
        want = o.ref_generate(p, prompt, n, cfg, us, **sampler)
        cases[f"generate_{name}"] = {
            "prompt": prompt,
            "n": n,
            "us": us,
            "sampler": sampler,
            "want": want,
        }
    # the known mistake of using the first draw at every step, for the hint that names it
    sampled = cases["generate_sampled"]
    sampled["same_draw"] = o.ref_generate(
        p, sampled["prompt"], sampled["n"], cfg, [sampled["us"][0]] * sampled["n"], temperature=1.0
    )
    return cases


def _kv_cache() -> Cases:
    cfg, p = CFG_CACHE, o.gpt_params(CFG_CACHE, seed=2026)
    cases: Cases = {"model": {"config": cfg, "params": p}}
    ids = [3, 1, 4, 1, 5]
    cases["whole_prompt"] = {"ids": ids, "want": o.ref_forward(p, ids, cfg)}
    ids = [2, 7, 1, 8, 2]
    restarts = [o.ref_forward(p, ids[: t + 1], cfg, positions=[0] * (t + 1))[-1] for t in range(5)]
    cases["one_at_a_time"] = {"ids": ids, "want": o.ref_forward(p, ids, cfg), "restart": restarts}
    ids = [9, 0, 3, 12, 6, 6, 1]
    cases["chunks"] = {"ids": ids, "sizes": [3, 1, 3], "want": o.ref_forward(p, ids, cfg)}
    for name, prompt, n, us, sampler in (
        ("greedy", [1, 2, 3], 5, [0.5] * 5, {}),
        (
            "sampled",
            [4, 0],
            6,
            [0.1, 0.9, 0.35, 0.6, 0.75, 0.05],
            {"temperature": 1.0, "top_p": 0.9},
        ),
    ):
        want = o.ref_generate(p, prompt, n, cfg, us, **sampler)
        seq = prompt + want
        cases[f"generate_{name}"] = {
            "prompt": prompt,
            "n": n,
            "us": us,
            "sampler": sampler,
            "want": want,
            # the logits each id was chosen from, for the localisation of a failing generation
            "logits": np.stack(
                [o.ref_forward(p, seq[:k], cfg)[-1] for k in range(len(prompt), len(seq))]
            ),
        }
    return cases


def _f32(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _normal(rng: np.random.Generator, *shape: int) -> np.ndarray:
    """Float32 inputs with three decimals (short in the JSON, exact as float32)."""
    return _f32(np.round(rng.normal(size=shape), 3))


def _tables(positions: Any, hd: int, base: float) -> dict[str, np.ndarray]:
    cos, sin = c.ref_rope_tables(positions, hd, base)
    return {"cos": _f32(cos), "sin": _f32(sin)}


def _model(cfg: dict[str, Any], seed: int) -> tuple[dict[str, Any], dict[str, Any]]:
    params = tiny.llama_params(cfg, seed=seed)
    return {"config": cfg, "seed": seed, "probe": tiny.probe(params)}, params


# Chapter 3: expected values rounded well inside the tests' tolerances (6 decimals where a test
# allows 1e-5, 5 for logits and block outputs, 4 for the arrays of a named mistake that a
# test matches to 1e-3).
def _llama_parts() -> Cases:
    cases: Cases = {}
    rng = np.random.default_rng(1)
    x, g = _normal(rng, 2, 3, 5), _f32(np.linspace(0.5, 1.5, 5))
    want = c.ref_rms_norm(x.astype(float), g.astype(float), 1e-5)
    cases["rms_norm_batch"] = {"x": x, "g": g, "want": np.round(want, 6)}
    rng = np.random.default_rng(2)
    x, wg, wu, wd = (
        _normal(rng, 4, 6),
        _normal(rng, 6, 10),
        _normal(rng, 6, 10),
        _normal(rng, 10, 6),
    )
    want = (c.ref_silu(x.astype(float) @ wg) * (x.astype(float) @ wu)) @ wd
    cases["swiglu"] = {"x": x, "w_gate": wg, "w_up": wu, "w_down": wd, "want": np.round(want, 6)}
    cos, sin = c.ref_rope_tables([7, 3, 100], 6, 10000.0)
    cases["rope_positions"] = {
        "positions": [7, 3, 100],
        "cos": np.round(cos, 6),
        "sin": np.round(sin, 6),
    }
    x, t = _f32([[1.0, 0.0, 0.0, 1.0]]), _tables([1], 4, 100.0)
    cases["apply_rope_by_hand"] = {
        **t,
        "half": np.round(c.ref_rotate(x, t["cos"], t["sin"], "half"), 6),
        "clockwise": np.round(c.ref_rotate(x, t["cos"], -t["sin"]), 6),
    }
    x, t = _normal(np.random.default_rng(4), 3, 5, 8), _tables(np.arange(5), 8, 10000.0)
    cases["apply_rope_heads"] = {
        "x": x,
        **t,
        "want": np.round(c.ref_rotate(x, t["cos"], t["sin"]), 6),
        "half": np.round(c.ref_rotate(x, t["cos"], t["sin"], "half"), 6),
    }
    rng = np.random.default_rng(5)
    cases["scores_relative"] = {
        "q": _normal(rng, 1, 8),
        "k": _normal(rng, 1, 8),
        "tables": {str(p): _tables([p], 8, 10000.0) for p in (2, 5, 9, 22, 25)},
    }
    return cases


def _llama() -> Cases:
    model, p = _model(tiny.llama_config(), 2026)
    cfg = model["config"]
    cases: Cases = {"model": model}
    rng = np.random.default_rng(1)
    q, k, v = _normal(rng, 6, 5, 4), _normal(rng, 2, 5, 4), _normal(rng, 2, 5, 4)
    want = c.ref_gqa(q, k, v, np.tril(np.ones((5, 5), dtype=bool)))
    cases["gqa_causal"] = {"q": q, "k": k, "v": v, "want": np.round(want, 6)}
    rng = np.random.default_rng(2)
    q, k, v = _normal(rng, 3, 2, 4), _normal(rng, 1, 3, 4), _normal(rng, 1, 3, 4)
    want = c.ref_gqa(q, k, v, np.ones((2, 3), dtype=bool))
    cases["gqa_no_mask"] = {"q": q, "k": k, "v": v, "want": np.round(want, 6)}
    x = _normal(np.random.default_rng(4), 5, cfg["d_model"])
    t = _tables(np.arange(5), cfg["head_dim"], cfg["rope_base"])
    want = c.ref_block(x.astype(float), p["blocks"][0], cfg, list(range(5)))
    cases["block"] = {"x": x, **t, "want": np.round(want, 5)}
    cases["block"]["trace"] = _block_trace(x, p["blocks"][0], cfg, t["cos"], t["sin"])
    cases["block_causal"] = _tables(np.arange(4), cfg["head_dim"], cfg["rope_base"])
    ids = [3, 17, 5, 5, 30, 1]
    cases["forward"] = {
        "ids": ids,
        "want": np.round(c.ref_forward(p, ids, cfg), 5),
        "half": np.round(c.ref_forward(p, ids, cfg, rope="half"), 4),
        "none": np.round(c.ref_forward(p, ids, cfg, rope="none"), 4),
        "trace": _trace(p, ids, cfg),
    }
    return cases


def _block_trace(
    x: np.ndarray, b: dict[str, Any], cfg: dict[str, Any], cos: np.ndarray, sin: np.ndarray
) -> dict[str, Any]:
    """One Llama block step by step, for the localisation of a failing llama_block: each part's
    input as a learner's part gets it (float32) and the reference's output on exactly that
    input, in the block's order (heads split as (n, T, hd), head h on columns h*hd:(h+1)*hd)."""
    W = {k: np.asarray(v, dtype=np.float64) for k, v in b.items()}
    eps, T = cfg["norm_eps"], x.shape[0]

    def given(a: np.ndarray) -> np.ndarray:
        return _f32(np.round(a, 5))

    def heads(a: np.ndarray) -> np.ndarray:
        out: np.ndarray = a.reshape(T, -1, cfg["head_dim"]).transpose(1, 0, 2)
        return out

    h = c.ref_rms_norm(x.astype(np.float64), W["attn_norm"], eps)
    q, k, v = (given(heads(h @ W[w])) for w in ("w_q", "w_k", "w_v"))
    c64, s64 = cos.astype(np.float64), sin.astype(np.float64)
    q_rot, k_rot = c.ref_rotate(q, c64, s64), c.ref_rotate(k, c64, s64)
    att = c.ref_gqa(given(q_rot), given(k_rot), v, np.tril(np.ones((T, T), dtype=bool)))
    mid = given(x.astype(np.float64) + given(att).transpose(1, 0, 2).reshape(T, -1) @ W["w_o"])
    h2 = c.ref_rms_norm(mid.astype(np.float64), W["mlp_norm"], eps)
    mlp = (c.ref_silu(given(h2) @ W["w_gate"]) * (given(h2) @ W["w_up"])) @ W["w_down"]
    return {
        "attn_norm": np.round(h, 5),
        "q": q, "k": k, "v": v,
        "q_rot": np.round(q_rot, 5), "k_rot": np.round(k_rot, 5),
        "att_q": given(q_rot), "att_k": given(k_rot), "att": np.round(att, 5),
        "mid": mid, "mlp_norm": np.round(h2, 5),
        "mlp_in": given(h2), "mlp": np.round(mlp, 5),
    }  # fmt: skip


def _trace(p: dict[str, Any], ids: list[int], cfg: dict[str, Any]) -> dict[str, Any]:
    """The reference's forward pass step by step, for the localisation of a failing forward
    (`grader.testing.localise`): the RoPE tables of positions 0..T-1, then each block's input
    (float32, as a learner's block gets it) and its output on exactly that input, then the final
    RMSNorm's input and output."""
    T = len(ids)
    cos, sin = c.ref_rope_tables(list(range(T)), cfg["head_dim"], cfg["rope_base"])
    x = np.asarray(p["wte"], dtype=np.float64)[ids]
    inputs, outputs = [], []
    for block in p["blocks"]:
        given = _f32(np.round(x, 5))
        x = c.ref_block(given.astype(np.float64), block, cfg, list(range(T)))
        inputs.append(given)
        outputs.append(np.round(x, 5))
    given = _f32(np.round(x, 5))
    normed = c.ref_rms_norm(given.astype(np.float64), np.asarray(p["norm"], float), cfg["norm_eps"])
    return {
        "rope": np.round(np.stack([cos, sin]), 6),
        "blocks_in": inputs,
        "blocks_out": outputs,
        "norm_in": given,
        "norm_out": np.round(normed, 5),
    }


def _chat() -> Cases:
    model, p = _model(tiny.llama_config(context_length=48), 7)
    cfg = model["config"]
    cases: Cases = {"model": model}
    ids = [3, 9, 27, 1]
    cases["one_step"] = {"ids": ids, "want": np.round(c.ref_forward(p, ids, cfg), 5)}
    ids = [5, 11, 2, 30, 7, 7]
    restart = c.ref_forward(p, ids, cfg, positions=[0, 1, 2, 0, 0, 0])  # each step from 0 again
    cases["one_at_a_time"] = {
        "ids": ids,
        "want": np.round(c.ref_forward(p, ids, cfg), 5),
        "restart": np.round(restart, 4),
    }
    prompt, us = [4, 8, 15, 16], [0.5] * 30
    greedy = c.ref_generate(p, prompt, 30, cfg, us)
    seq = prompt + greedy
    cases["greedy"] = {
        "prompt": prompt,
        "want": greedy,
        # the logits each id was chosen from (the last row of forward on the ids before it),
        # for the localisation of a failing generation
        "logits": np.round(
            np.stack([c.ref_forward(p, seq[:n], cfg)[-1] for n in range(len(prompt), len(seq))]),
            5,
        ),
    }
    prompt = [1, 2, 3]
    us = [round(float(u), 4) for u in np.random.default_rng(8).random(12)]
    want = c.ref_generate(p, prompt, 12, cfg, us, temperature=1.0, top_k=5)
    cases["sampled"] = {"prompt": prompt, "us": us, "want": want}
    free = c.ref_generate(p, [4, 8, 15, 16], 10, cfg, [0.5] * 10)
    cases["stop"] = {"prompt": [4, 8, 15, 16], "free": free}
    return cases


BUILDERS: dict[str, tuple[str, Callable[[], Cases]]] = {
    "ch2_transformer/l02_forward_pass": ("2.2", _forward_pass),
    "ch2_transformer/l04_block": ("2.4", _block),
    "ch2_transformer/l05_context": ("2.5", _context),
    "ch2_transformer/l06_kv_cache": ("2.6", _kv_cache),
    "ch3_real_model/l01_llama_parts": ("3.1", _llama_parts),
    "ch3_real_model/l02_llama": ("3.2", _llama),
    "ch3_real_model/l03_chat": ("3.3", _chat),
}


def _dumps(value: Any, depth: int = 0) -> str:
    """JSON with one space of indent a level, keys sorted, and every list of plain values (an
    array's row, a list of ids) on one line."""
    pad, inner = "\n" + " " * depth, "\n" + " " * (depth + 1)
    if isinstance(value, dict) and value:
        items = [f"{json.dumps(k)}: {_dumps(value[k], depth + 1)}" for k in sorted(value)]
        return "{" + inner + ("," + inner).join(items) + pad + "}"
    if isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value):
        return "[" + inner + ("," + inner).join(_dumps(v, depth + 1) for v in value) + pad + "]"
    return json.dumps(value, separators=(",", ":"))


def document(name: str) -> str:
    lesson, build = BUILDERS[name]
    doc = {"format": FORMAT, "version": VERSION, "lesson": lesson, "cases": encode(build())}
    return _dumps(doc) + "\n"


def path_of(root: Path, name: str) -> Path:
    return root / FOLDER / f"{name}.json"


def write(root: Path) -> list[Path]:
    out = []
    for name in BUILDERS:
        path = path_of(root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document(name), encoding="utf-8")
        out.append(path)
    return out


# Recorded floats are the oracles' values, chapter 3's rounded to 4, 5 or 6 decimals. Recomputed on
# another machine (another BLAS, float32 sums in another order, another libm's sin) a value moves
# by about 1e-7 of its size, and a rounded one may land on the neighbouring decimal. So two values
# agree when they differ by at most one step of the finest of those decimal grids that both lie
# on, plus RECORDED_RTOL of their size; a changed oracle moves values by far more.
RECORDED_RTOL = 1e-5
ROUNDINGS = (4, 5, 6)  # the decimals chapter 3's data is rounded to (see _llama_parts)


def _grid_step(x: float) -> float:
    """10**-d for the fewest decimals d of ROUNDINGS that x is written with, else 0."""
    for d in ROUNDINGS:
        scaled = x * 10**d
        if abs(scaled - round(scaled)) <= 1e-6 * max(1.0, abs(scaled)):
            return float(10**-d)
    return 0.0


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
            return (math.isnan(a) and math.isnan(b)) or a == b
        step = min(_grid_step(a), _grid_step(b))
        return abs(a - b) <= step * (1 + 1e-9) + RECORDED_RTOL * max(abs(a), abs(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, int) and isinstance(b, int):
            return a == b  # ids, counts, flags: exact
        return _close(float(a), float(b))
    return bool(a == b)


def check(root: Path) -> list[str]:
    """One line per recorded file that is missing or differs from what the oracles give now
    (floats within the tolerance of _close: another BLAS or numpy may round them differently)."""
    problems = []
    for name in BUILDERS:
        path = path_of(root, name)
        rel = path.relative_to(root).as_posix()
        if not path.is_file():
            problems.append(f"{rel} is missing (python -m grader.instructor.recorded)")
            continue
        try:
            have = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            problems.append(f"{rel} is not JSON")
            continue
        if not _close(have, json.loads(document(name))):
            problems.append(f"{rel} is stale (python -m grader.instructor.recorded)")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parents[2]
    if args == ["--check"]:
        problems = check(root)
        for line in problems:
            print(line)
        return 1 if problems else 0
    for path in write(root):
        print(f"wrote {path.relative_to(root).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
