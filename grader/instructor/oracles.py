"""Independent reference computations for the chapter 2 tests: a small GPT in the course's
parameter layout, written plainly (an explicit loop over heads, one query row at a time, the
sampler spelled out), so that the tests' expected values never come from the lesson code they
check.

Instructor-side only: the hidden tests use it directly; the visible tests get its results as
recorded data (`grader.instructor.recorded`), so that no working forward pass ships to
students.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def ref_layer_norm(x: Any, g: Any, b: Any, eps: float = 1e-5) -> Any:
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def ref_forward(p: Any, ids: Any, cfg: Any, positions: Any = None) -> Any:
    """Logits (T, V) of the course's GPT layout; `positions` defaults to 0..T-1."""
    ids = list(ids)
    T, d, H = len(ids), cfg["d_model"], cfg["n_heads"]
    dh = d // H
    pos = list(range(T)) if positions is None else list(positions)
    x = p["wte"][ids] + p["wpe"][pos]
    allowed = np.tril(np.ones((T, T), dtype=bool))
    for b in p["blocks"]:
        h = ref_layer_norm(x, b["ln1_g"], b["ln1_b"])
        q, k, v = (h @ b[f"w_{n}"] + b[f"b_{n}"] for n in "qkv")
        att = np.zeros((T, d))
        for head in range(H):
            c = slice(head * dh, (head + 1) * dh)
            s = np.where(allowed, q[:, c] @ k[:, c].T / np.sqrt(dh), -np.inf)
            w = np.exp(s - s.max(axis=1, keepdims=True))
            att[:, c] = (w / w.sum(axis=1, keepdims=True)) @ v[:, c]
        x = x + att @ b["w_o"] + b["b_o"]
        f = ref_layer_norm(x, b["ln2_g"], b["ln2_b"]) @ b["w_in"] + b["b_in"]
        f = 0.5 * f * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (f + 0.044715 * f**3)))
        x = x + f @ b["w_out"] + b["b_out"]
    return ref_layer_norm(x, p["lnf_g"], p["lnf_b"]) @ p["wte"].T


def ref_sample(
    logits: Any, u: float, temperature: float = 0.0, top_k: Any = None, top_p: Any = None
) -> int:
    if temperature == 0:
        return int(np.argmax(logits))
    z = np.asarray(logits, dtype=float) / temperature
    if top_k is not None and top_k < len(z):
        z = np.where(z >= np.sort(z)[-top_k], z, -np.inf)
    if top_p is not None:
        pr = np.exp(z - z.max())
        pr /= pr.sum()
        order = np.argsort(-pr, kind="stable")
        hits = np.cumsum(pr[order]) >= top_p
        n_keep = int(np.argmax(hits)) + 1 if hits.any() else len(z)
        keep = np.zeros(len(z), dtype=bool)
        keep[order[:n_keep]] = True
        z = np.where(keep, z, -np.inf)
    pr = np.exp(z - z.max())
    pr /= pr.sum()
    return int(np.searchsorted(np.cumsum(pr), u, side="right"))


def ref_generate(p: Any, prompt: Any, n_new: int, cfg: Any, us: Any, **sampler: Any) -> list[int]:
    ids = list(prompt)
    for step in range(n_new):
        window = ids[-cfg["context_length"] :]
        ids.append(ref_sample(ref_forward(p, window, cfg)[-1], us[step], **sampler))
    return ids[len(prompt) :]


def gpt_params(cfg: dict[str, Any], seed: int) -> dict[str, Any]:
    """Seeded weights in the course layout, large enough that the logits differ clearly."""
    rng = np.random.default_rng(seed)
    V, C, d = cfg["vocab_size"], cfg["context_length"], cfg["d_model"]

    def w(*shape: int, s: float = 0.4) -> np.ndarray:
        return rng.normal(0.0, s, shape)

    blocks = []
    for _ in range(cfg["n_layers"]):
        blocks.append(
            {
                "ln1_g": 1.0 + w(d, s=0.1),
                "ln1_b": w(d, s=0.1),
                "w_q": w(d, d),
                "w_k": w(d, d),
                "w_v": w(d, d),
                "w_o": w(d, d),
                "b_q": w(d, s=0.1),
                "b_k": w(d, s=0.1),
                "b_v": w(d, s=0.1),
                "b_o": w(d, s=0.1),
                "ln2_g": 1.0 + w(d, s=0.1),
                "ln2_b": w(d, s=0.1),
                "w_in": w(d, 4 * d),
                "b_in": w(4 * d, s=0.1),
                "w_out": w(4 * d, d),
                "b_out": w(d, s=0.1),
            }
        )
    return {
        "wte": w(V, d, s=1.0),
        "wpe": w(C, d, s=0.5),
        "lnf_g": 1.0 + w(d, s=0.1),
        "lnf_b": w(d, s=0.1),
        "blocks": blocks,
    }


# -- lesson 2.4's pieces, one head and one query at a time --------------------------------------
def ref_gelu(x: Any) -> Any:
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def ref_attention(q: Any, k: Any, v: Any, allowed: Any, scale: bool = True, axis: int = -1) -> Any:
    """Attention of each query row over its allowed keys. `scale=False` and `axis=0` give the
    two known mistakes (no 1/sqrt(dh), the softmax over the queries) for the tests' hints."""
    allowed = np.asarray(allowed, dtype=bool)
    s = np.where(allowed, q @ k.T / (np.sqrt(q.shape[1]) if scale else 1.0), -np.inf)
    if axis == -1:
        out = np.zeros((q.shape[0], v.shape[1]))
        for i in range(q.shape[0]):
            keys = [j for j in range(k.shape[0]) if allowed[i][j]]
            row = np.array([s[i, j] for j in keys])
            w = np.exp(row - row.max())
            w /= w.sum()
            out[i] = sum(wj * v[j] for wj, j in zip(w, keys))
        return out
    w = np.exp(s - s.max(axis=0, keepdims=True))
    return np.nan_to_num(w / w.sum(axis=0, keepdims=True)) @ v


def ref_mha(x: Any, p: Any, n_heads: int, allowed: Any, interleaved: bool = False) -> Any:
    T, d = x.shape
    dh = d // n_heads
    q, k, v = (x @ p[f"w_{n}"] + p[f"b_{n}"] for n in "qkv")
    out = np.zeros((T, d))
    for h in range(n_heads):
        # the known mistake: head h takes (and writes back) the columns h, h + n_heads, ...
        cols = list(range(h, d, n_heads)) if interleaved else list(range(h * dh, (h + 1) * dh))
        out[:, cols] = ref_attention(q[:, cols], k[:, cols], v[:, cols], allowed)
    return out @ p["w_o"] + p["b_o"]


def ref_ff(x: Any, p: Any) -> Any:
    return ref_gelu(x @ p["w_in"] + p["b_in"]) @ p["w_out"] + p["b_out"]


def tril(T: int) -> list[list[bool]]:
    return [[j <= i for j in range(T)] for i in range(T)]


def ref_block(x: Any, p: Any, n_heads: int, allowed: Any, post_ln: bool = False) -> Any:
    """A pre-LN transformer block (`post_ln`: the known post-LN mistake)."""
    if post_ln:
        h = ref_layer_norm(x + ref_mha(x, p, n_heads, allowed), p["ln1_g"], p["ln1_b"])
        return ref_layer_norm(h + ref_ff(h, p), p["ln2_g"], p["ln2_b"])
    h = x + ref_mha(ref_layer_norm(x, p["ln1_g"], p["ln1_b"]), p, n_heads, allowed)
    return h + ref_ff(ref_layer_norm(h, p["ln2_g"], p["ln2_b"]), p)


def block_params(d: int, seed: int) -> dict[str, Any]:
    """Seeded block weights with non-trivial biases and LayerNorm gains."""
    rng = np.random.default_rng(seed)
    p: dict[str, Any] = {}
    for n in ("q", "k", "v", "o"):
        p[f"w_{n}"] = rng.normal(0.0, 0.5, (d, d))
        p[f"b_{n}"] = rng.normal(0.0, 0.1, d)
    p["w_in"], p["b_in"] = rng.normal(0.0, 0.5, (d, 4 * d)), rng.normal(0.0, 0.1, 4 * d)
    p["w_out"], p["b_out"] = rng.normal(0.0, 0.5, (4 * d, d)), rng.normal(0.0, 0.1, d)
    for n in ("ln1", "ln2"):
        p[f"{n}_g"] = rng.uniform(0.5, 1.5, d)
        p[f"{n}_b"] = rng.normal(0.0, 0.1, d)
    return p
