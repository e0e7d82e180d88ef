"""A tiny seeded Llama for chapter 3's checks, in the layout of `weights`, and the perplexity
metric. Only weights and a metric: the reference computation lives instructor-side
(`grader/instructor/capstone.py`), never in a student template."""

from __future__ import annotations

from typing import Any

import numpy as np


def llama_config(**overrides: Any) -> dict[str, Any]:
    """A tiny Llama config with SmolLM2's shape ratios: 3 query heads share each KV head."""
    cfg = {
        "vocab_size": 40,
        "context_length": 32,
        "d_model": 24,
        "n_layers": 2,
        "n_heads": 6,
        "n_kv_heads": 2,
        "head_dim": 4,
        "d_ff": 40,
        "rope_base": 100.0,
        "norm_eps": 1e-5,
    }
    cfg.update(overrides)
    return cfg


def llama_params(cfg: dict[str, Any], seed: int) -> dict[str, Any]:
    """Seeded float32 weights in the chapter 3 layout, large enough that logits differ clearly."""
    rng = np.random.default_rng(seed)
    d, hd, F = cfg["d_model"], cfg["head_dim"], cfg["d_ff"]
    H, KV = cfg["n_heads"], cfg["n_kv_heads"]

    def w(*shape: int, s: float = 0.3) -> np.ndarray:
        return rng.normal(0.0, s, shape).astype(np.float32)

    blocks = [
        {
            "attn_norm": (1.0 + w(d, s=0.2)),
            "w_q": w(d, H * hd, s=0.5),
            "w_k": w(d, KV * hd, s=0.5),
            "w_v": w(d, KV * hd),
            "w_o": w(H * hd, d),
            "mlp_norm": (1.0 + w(d, s=0.2)),
            "w_gate": w(d, F),
            "w_up": w(d, F),
            "w_down": w(F, d),
        }
        for _ in range(cfg["n_layers"])
    ]
    return {"wte": w(cfg["vocab_size"], d, s=1.0), "norm": 1.0 + w(d, s=0.2), "blocks": blocks}


def probe(params: dict[str, Any]) -> list[float]:
    """A few of the weights (wte's first row, each block's last row of w_down): enough to tell
    whether `llama_params` still makes the weights that expected values were recorded with."""
    rows = [params["wte"][0]] + [b["w_down"][-1] for b in params["blocks"]]
    return [float(str(v)) for row in rows for v in row[:4]]  # float32 in its shortest digits


def recorded_llama(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`(config, params)` of a recorded model case (`{"config", "seed", "probe"}` in
    grader/data/recorded/ch3_real_model/), its weights rebuilt from the seed. Refuses, saying
    so, when this numpy's random stream makes other weights than the recorded ones."""
    cfg = llama_config(**case["config"])
    params = llama_params(cfg, seed=int(case["seed"]))
    if not np.allclose(probe(params), case["probe"], rtol=1e-6, atol=1e-7):
        raise RuntimeError(
            f"the tiny seeded Llama (seed {case['seed']}) has other weights under numpy "
            f"{np.__version__} than the ones its expected values were recorded with; ask your "
            "instructor (the kit regenerates them with python -m grader.instructor.recorded)"
        )
    return cfg, params


def perplexity(logits: np.ndarray, ids: list[int]) -> float:
    """exp of the mean negative log-likelihood of ids[1:] under logits[:-1], in float64."""
    z = np.asarray(logits[:-1], dtype=np.float64)
    z = z - z.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return float(np.exp(-logp[np.arange(len(ids) - 1), ids[1:]].mean()))
