"""An independent reference Llama for the chapter 3 tests, in the layout of `weights`.
Instructor-side: it never ships in a student template (visible tests read its results from
`grader/data/recorded/`).

It is written plainly (a loop over query heads, the key-value head looked up by index, RoPE as
explicit pair rotations) so that the tests' expected values never come from the lesson code
they check. `rope` selects the pairing: "interleaved" (the GGUF layout, the right one here),
"half" (Hugging Face's rotate_half, wrong for GGUF weights) or "none" (no positions at all);
the kit's tests use the last two to show what the wrong choices cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..capstone.tiny import llama_config, llama_params, perplexity
from .oracles import ref_sample

__all__ = [
    "llama_config",
    "llama_params",
    "perplexity",
    "ref_block",
    "ref_forward",
    "ref_generate",
    "ref_gqa",
    "ref_rms_norm",
    "ref_rope",
    "ref_rope_tables",
    "ref_rotate",
    "ref_silu",
]


def ref_rms_norm(x: np.ndarray, g: np.ndarray, eps: float) -> np.ndarray:
    rms = np.sqrt((x * x).sum(axis=-1, keepdims=True) / x.shape[-1] + eps)
    return x / rms * g


def ref_rope(
    x: np.ndarray, positions: list[int], base: float, rope: str = "interleaved"
) -> np.ndarray:
    """Rotate each row x[t] (hd,) by its position, one pair of columns at a time."""
    if rope == "none":
        return np.array(x, dtype=np.float64)
    hd = x.shape[-1]
    pos = np.asarray(positions, dtype=np.float64)
    out = np.array(x, dtype=np.float64)
    for i in range(hd // 2):
        theta = pos * base ** (-2.0 * i / hd)  # (T,): pair i turns by this at each position
        a, b = (2 * i, 2 * i + 1) if rope == "interleaved" else (i, i + hd // 2)
        c, s = np.cos(theta), np.sin(theta)
        out[:, a] = x[:, a] * c - x[:, b] * s
        out[:, b] = x[:, a] * s + x[:, b] * c
    return out


def ref_rope_tables(positions: Any, hd: int, base: float) -> tuple[np.ndarray, np.ndarray]:
    """cos and sin of positions[t] * base ** (-2i / hd), one column i at a time."""
    cols = [np.asarray(positions, dtype=float) * base ** (-2.0 * i / hd) for i in range(hd // 2)]
    angles = np.stack(cols, axis=-1)
    return np.cos(angles), np.sin(angles)


def ref_rotate(
    x: np.ndarray, cos: np.ndarray, sin: np.ndarray, pairing: str = "interleaved"
) -> np.ndarray:
    """Rotate every pair of x (..., T, hd) by the angles of the tables, pair by pair."""
    hd = x.shape[-1]
    out = np.array(x, dtype=float)
    for i in range(hd // 2):
        a, b = (2 * i, 2 * i + 1) if pairing == "interleaved" else (i, i + hd // 2)
        out[..., a] = x[..., a] * cos[:, i] - x[..., b] * sin[:, i]
        out[..., b] = x[..., a] * sin[:, i] + x[..., b] * cos[:, i]
    return out


def ref_gqa(q: np.ndarray, k: np.ndarray, v: np.ndarray, allowed: Any) -> np.ndarray:
    """Head by head: query head h reads key-value head h // (H // KV)."""
    H, KV = q.shape[0], k.shape[0]
    out = np.zeros(q.shape)
    for h in range(H):
        j = h // (H // KV)
        for i in range(q.shape[1]):
            keys = [t for t in range(k.shape[1]) if allowed[i][t]]
            s = np.array([q[h, i] @ k[j, t] for t in keys]) / np.sqrt(q.shape[2])
            w = np.exp(s - s.max())
            out[h, i] = sum(wt * v[j, t] for wt, t in zip(w / w.sum(), keys))
    return out


def ref_silu(z: np.ndarray) -> np.ndarray:
    return z / (1.0 + np.exp(-z))


def ref_block(
    x: np.ndarray,
    b: dict[str, np.ndarray],
    cfg: dict[str, Any],
    positions: list[int],
    rope: str = "interleaved",
    dtype: Any = np.float64,
) -> np.ndarray:
    H, KV, hd = cfg["n_heads"], cfg["n_kv_heads"], cfg["head_dim"]
    group = H // KV
    T = x.shape[0]
    W = {k: np.asarray(v, dtype=dtype) for k, v in b.items()}
    h = ref_rms_norm(x, W["attn_norm"], cfg["norm_eps"])
    q, k, v = h @ W["w_q"], h @ W["w_k"], h @ W["w_v"]
    att = np.zeros((T, H * hd), dtype=dtype)
    for head in range(H):
        kv = head // group  # query heads 0..group-1 read KV head 0, and so on
        qh = ref_rope(q[:, head * hd : (head + 1) * hd], positions, cfg["rope_base"], rope)
        kh = ref_rope(k[:, kv * hd : (kv + 1) * hd], positions, cfg["rope_base"], rope)
        vh = v[:, kv * hd : (kv + 1) * hd]
        for i in range(T):
            s = kh[: i + 1] @ qh[i] / np.sqrt(hd)  # causal: keys 0..i
            w = np.exp(s - s.max())
            att[i, head * hd : (head + 1) * hd] = (w / w.sum()) @ vh[: i + 1]
    x = x + att @ W["w_o"]
    h = ref_rms_norm(x, W["mlp_norm"], cfg["norm_eps"])
    return x + (ref_silu(h @ W["w_gate"]) * (h @ W["w_up"])) @ W["w_down"]


def ref_forward(
    params: dict[str, Any],
    ids: list[int],
    cfg: dict[str, Any],
    rope: str = "interleaved",
    dtype: Any = np.float64,
    positions: list[int] | None = None,
) -> np.ndarray:
    """Logits (T, V): embed, every block, the final RMSNorm, the tied head `@ wte.T`. RoPE
    uses `positions` (default 0..T-1); the mask stays causal by index."""
    ids = [int(i) for i in ids]
    positions = list(range(len(ids))) if positions is None else list(positions)
    wte = np.asarray(params["wte"], dtype=dtype)
    x = wte[ids]
    for b in params["blocks"]:
        x = ref_block(x, b, cfg, positions, rope, dtype)
    return ref_rms_norm(x, np.asarray(params["norm"], dtype=dtype), cfg["norm_eps"]) @ wte.T


def ref_generate(
    params: dict[str, Any],
    prompt: list[int],
    n_new: int,
    cfg: dict[str, Any],
    us: list[float],
    stop_ids: tuple[int, ...] = (),
    **sampler: Any,
) -> list[int]:
    """Uncached generation: the whole sequence through `ref_forward` at every step; stops after
    a stop id, which is returned."""
    ids = list(prompt)
    for step in range(n_new):
        token = ref_sample(ref_forward(params, ids, cfg)[-1], us[step], **sampler)
        ids.append(token)
        if token in stop_ids:
            break
    return ids[len(prompt) :]
