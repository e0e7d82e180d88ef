"""Train the kit's small GPT (chapter 2) on the Python documentation, with torch, on the CPU.

The text is `pydoc_data.topics` (`grader.assets.pydoc_text()`), tokenized with the kit's byte-level
BPE (`grader/data/kit_bpe.json`, 1,024 tokens). The model is the course layout of chapter 2:
GPT-2 style, pre-LayerNorm, tied embeddings, GELU (tanh approximation), linear layers x @ W + b.

    python3 -m venv .venv-train && .venv-train/bin/pip install torch==2.13.0 numpy
    .venv-train/bin/python scripts/train_gpt.py [--steps 1200]

Learners never need torch: the script checks that a numpy forward pass gives the same logits as
torch, then saves numpy float32 arrays and their description to grader/data/gpt/: weights.npz,
config.json, training_log.json, and heldout.txt (a validation passage for lesson 2.1). Seeded;
the last 8% of the token stream is held out for validation.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.assets import kit_bpe_merges, kit_decode, kit_encode, pydoc_text  # noqa: E402
from solutions.ch1_tokens.l03_bpe import encode as reference_encode  # noqa: E402

CONFIG = {"vocab_size": 1024, "context_length": 256, "d_model": 128, "n_heads": 4, "n_layers": 4}
HELDOUT_TOKENS = 600
BLOCK_NAMES = [
    "ln1_g",
    "ln1_b",
    "w_q",
    "b_q",
    "w_k",
    "b_k",
    "w_v",
    "b_v",
    "w_o",
    "b_o",
    "ln2_g",
    "ln2_b",
    "w_in",
    "b_in",
    "w_out",
    "b_out",
]


# -- the model in torch, with parameters named and shaped as in the course layout -------------
def init_params(cfg: dict, gen: torch.Generator) -> dict[str, torch.Tensor]:
    V, C, d = cfg["vocab_size"], cfg["context_length"], cfg["d_model"]

    def w(*shape: int, std: float = 0.02) -> torch.Tensor:
        return (torch.randn(*shape, generator=gen) * std).requires_grad_()

    def const(n: int, value: float) -> torch.Tensor:
        return torch.full((n,), value).requires_grad_()

    p = {"wte": w(V, d), "wpe": w(C, d), "lnf_g": const(d, 1.0), "lnf_b": const(d, 0.0)}
    resid_std = 0.02 / math.sqrt(2 * cfg["n_layers"])  # GPT-2: smaller residual projections
    for i in range(cfg["n_layers"]):
        b = f"blocks.{i}."
        p |= {
            b + "ln1_g": const(d, 1.0),
            b + "ln1_b": const(d, 0.0),
            b + "ln2_g": const(d, 1.0),
            b + "ln2_b": const(d, 0.0),
        }
        for name in ("q", "k", "v"):
            p[b + f"w_{name}"], p[b + f"b_{name}"] = w(d, d), const(d, 0.0)
        p[b + "w_o"], p[b + "b_o"] = w(d, d, std=resid_std), const(d, 0.0)
        p[b + "w_in"], p[b + "b_in"] = w(d, 4 * d), const(4 * d, 0.0)
        p[b + "w_out"], p[b + "b_out"] = w(4 * d, d, std=resid_std), const(d, 0.0)
    return p


def torch_forward(p: dict, ids: torch.Tensor, cfg: dict, dropout: float = 0.0) -> torch.Tensor:
    """ids (B, T) -> logits (B, T, V)."""
    B, T = ids.shape
    d, H = cfg["d_model"], cfg["n_heads"]
    x = p["wte"][ids] + p["wpe"][:T]  # (B, T, d)
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for i in range(cfg["n_layers"]):
        b = f"blocks.{i}."
        h = F.layer_norm(x, (d,), p[b + "ln1_g"], p[b + "ln1_b"], eps=1e-5)
        q, k, v = (h @ p[b + f"w_{n}"] + p[b + f"b_{n}"] for n in "qkv")  # (B, T, d) each
        q, k, v = (t.view(B, T, H, d // H).transpose(1, 2) for t in (q, k, v))  # (B, H, T, dh)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // H)  # (B, H, T, T)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)  # (B, T, d)
        x = x + F.dropout(y @ p[b + "w_o"] + p[b + "b_o"], dropout)
        h = F.layer_norm(x, (d,), p[b + "ln2_g"], p[b + "ln2_b"], eps=1e-5)
        h = F.gelu(h @ p[b + "w_in"] + p[b + "b_in"], approximate="tanh")  # (B, T, 4d)
        x = x + F.dropout(h @ p[b + "w_out"] + p[b + "b_out"], dropout)
    x = F.layer_norm(x, (d,), p["lnf_g"], p["lnf_b"], eps=1e-5)
    return x @ p["wte"].T  # (B, T, V)


# -- an independent numpy forward pass (the chapter 2 reference code, written out) ------------
def numpy_forward(p: dict[str, np.ndarray], ids: np.ndarray, cfg: dict) -> np.ndarray:
    """ids (T,) -> logits (T, V), in float64."""

    def ln(x, g, b):
        mu = x.mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + 1e-5) * g + b

    def gelu(x):
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))

    p = {k: v.astype(np.float64) for k, v in p.items()}
    T, d, H = len(ids), cfg["d_model"], cfg["n_heads"]
    dh = d // H
    x = p["wte"][ids] + p["wpe"][:T]  # (T, d)
    allowed = np.tril(np.ones((T, T), dtype=bool))
    for i in range(cfg["n_layers"]):
        b = f"blocks.{i}."
        h = ln(x, p[b + "ln1_g"], p[b + "ln1_b"])
        q, k, v = (h @ p[b + f"w_{n}"] + p[b + f"b_{n}"] for n in "qkv")  # (T, d)
        heads = []
        for j in range(H):
            cols = slice(j * dh, (j + 1) * dh)
            s = q[:, cols] @ k[:, cols].T / math.sqrt(dh)  # (T, T)
            s = np.where(allowed, s, -np.inf)
            a = np.exp(s - s.max(-1, keepdims=True))
            heads.append((a / a.sum(-1, keepdims=True)) @ v[:, cols])  # (T, dh)
        x = x + np.concatenate(heads, axis=1) @ p[b + "w_o"] + p[b + "b_o"]
        h = ln(x, p[b + "ln2_g"], p[b + "ln2_b"])
        x = x + gelu(h @ p[b + "w_in"] + p[b + "b_in"]) @ p[b + "w_out"] + p[b + "b_out"]
    return ln(x, p["lnf_g"], p["lnf_b"]) @ p["wte"].T  # (T, V)


def batches(data: torch.Tensor, n: int, T: int, gen: torch.Generator) -> tuple:
    starts = torch.randint(0, len(data) - T - 1, (n,), generator=gen)
    x = torch.stack([data[s : s + T] for s in starts])
    y = torch.stack([data[s + 1 : s + T + 1] for s in starts])
    return x, y


@torch.no_grad()
def evaluate(p: dict, data: torch.Tensor, cfg: dict) -> float:
    """Mean cross-entropy over consecutive, non-overlapping windows of `data`."""
    T = cfg["context_length"]
    losses, counts = [], []
    for s in range(0, len(data) - 1, T):
        x = data[s : s + T][None]
        y = data[s + 1 : s + T + 1][None]
        x = x[:, : y.shape[1]]
        logits = torch_forward(p, x, cfg)
        losses.append(F.cross_entropy(logits[0], y[0], reduction="sum").item())
        counts.append(y.shape[1])
    return sum(losses) / sum(counts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)  # faster than 2 on a busy machine
    ap.add_argument("--out", type=Path, default=ROOT / "grader" / "data" / "gpt")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = dict(CONFIG, seed=args.seed)
    start = time.time()

    text = pydoc_text()
    sample = text[100_000:104_000]  # the fast encoder must equal the lesson 1.3 reference
    if kit_encode(sample) != reference_encode(sample, kit_bpe_merges()):
        raise SystemExit("kit_encode differs from the lesson 1.3 reference encode")
    ids = kit_encode(text)
    assert kit_decode(ids) == text
    n_val = int(0.08 * len(ids))
    data = torch.tensor(ids, dtype=torch.long)
    train, val = data[:-n_val], data[-n_val:]
    print(f"{len(text):,} chars -> {len(ids):,} tokens: {len(train):,} train, {len(val):,} val")

    gen = torch.Generator().manual_seed(args.seed)
    p = init_params(cfg, gen)
    n_params = sum(t.numel() for t in p.values())
    print(f"{n_params:,} parameters")
    decay = [t for k, t in p.items() if k == "wte" or k == "wpe" or ".w_" in k]
    no_decay = [t for k, t in p.items() if not (k == "wte" or k == "wpe" or ".w_" in k)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr,
        betas=(0.9, 0.95),
    )
    warmup = 100
    history = []
    for step in range(1, args.steps + 1):
        lr = args.lr * min(step / warmup, 0.5 * (1 + math.cos(math.pi * step / args.steps)))
        for group in opt.param_groups:
            group["lr"] = max(lr, args.lr * 0.02)
        x, y = batches(train, args.batch, cfg["context_length"], gen)
        logits = torch_forward(p, x, cfg, dropout=args.dropout)
        loss = F.cross_entropy(logits.reshape(-1, cfg["vocab_size"]), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), 1.0)
        opt.step()
        if step % 200 == 0 or step == args.steps:
            val_loss = evaluate(p, val, cfg)
            history.append(
                {
                    "step": step,
                    "train_batch_loss": round(loss.item(), 4),
                    "val_loss": round(val_loss, 4),
                }
            )
            print(
                f"step {step:5d}  batch loss {loss.item():.3f}  val {val_loss:.3f}  "
                f"{time.time() - start:.0f}s",
                flush=True,
            )

    train_loss = evaluate(p, train[: 40 * cfg["context_length"]], cfg)
    val_loss = evaluate(p, val, cfg)
    weights = {k: t.detach().numpy().astype(np.float32) for k, t in p.items()}

    # The numpy forward pass must give torch's logits, so learners never need torch.
    probe = val[: cfg["context_length"]]
    with torch.no_grad():
        want = torch_forward(p, probe[None], cfg)[0].double().numpy()
    got = numpy_forward(weights, probe.numpy(), cfg)
    err = float(np.abs(got - want).max())
    print(f"numpy vs torch logits: max abs difference {err:.2e}")
    if err > 1e-4:
        raise SystemExit("the numpy forward pass does not match torch")

    prompt = "The for statement"
    out = kit_encode(prompt)
    for _ in range(40):
        logits = numpy_forward(weights, np.array(out[-cfg["context_length"] :]), cfg)
        out.append(int(np.argmax(logits[-1])))
    greedy = kit_decode(out)
    print(f"greedy: {greedy!r}")

    args.out.mkdir(parents=True, exist_ok=True)
    # A held-out passage for lesson 2.1, shipped so its numbers do not depend on the Python
    # version (pydoc_data.topics changes between versions).
    (args.out / "heldout.txt").write_text(
        kit_decode(val[:HELDOUT_TOKENS].tolist()), encoding="utf-8"
    )
    np.savez_compressed(args.out / "weights.npz", **weights)
    (args.out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n", encoding="utf-8")
    log = {
        "steps": args.steps,
        "batch_size": args.batch,
        "tokens_per_step": args.batch * cfg["context_length"],
        "learning_rate": args.lr,
        "dropout": args.dropout,
        "optimizer": "AdamW(betas=(0.9, 0.95), weight_decay=0.1), cosine schedule",
        "parameters": n_params,
        "train_tokens": len(train),
        "val_tokens": len(val),
        "final_train_loss": round(train_loss, 4),
        "final_val_loss": round(val_loss, 4),
        "numpy_vs_torch_max_abs_diff": float(f"{err:.3g}"),
        "wall_time_seconds": round(time.time() - start, 1),
        "torch_version": torch.__version__,
        "threads": args.threads,
        "greedy_sample": greedy,
        "history": history,
    }
    (args.out / "training_log.json").write_text(json.dumps(log, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps({k: log[k] for k in ("final_train_loss", "final_val_loss", "wall_time_seconds")})
    )


if __name__ == "__main__":
    main()
