"""Lesson 2.4: the attention weights of the kit's trained GPT on a short prompt, one heatmap per
head, for the first and the last block. The weights come from the lesson's own trick: with the
identity matrix as the values, attention returns its weight matrix."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader.assets import kit_decode, kit_encode, load_model  # noqa: E402
from solutions.ch2_transformer.l02_forward_pass import embed_tokens, layer_norm  # noqa: E402
from solutions.ch2_transformer.l04_block import (  # noqa: E402
    attention,
    causal_mask,
    transformer_block,
)

PROMPT = "The for statement is used to iterate over the elements of a list."


def head_weights(params: dict, config: dict, ids: list[int]) -> list[np.ndarray]:
    """For every block, the (n_heads, T, T) attention weights."""
    T, H = len(ids), config["n_heads"]
    dh = config["d_model"] // H
    x = embed_tokens(params, np.array(ids)).astype(np.float64)  # (T, d)
    mask = causal_mask(T)  # (T, T)
    out = []
    for block in params["blocks"]:
        h = layer_norm(x, block["ln1_g"], block["ln1_b"])  # (T, d)
        q = h @ block["w_q"] + block["b_q"]  # (T, d)
        k = h @ block["w_k"] + block["b_k"]  # (T, d)
        out.append(
            np.stack(
                [
                    attention(
                        q[:, i * dh : (i + 1) * dh], k[:, i * dh : (i + 1) * dh], np.eye(T), mask
                    )
                    for i in range(H)
                ]
            )
        )  # (H, T, T)
        x = transformer_block(x, block, H)  # (T, d)
    return out


def label(token_id: int) -> str:
    return kit_decode([token_id]).replace(" ", "\u00b7").replace("\n", "\\n")


def make(out_dir: Path) -> list[Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    params, config = load_model()
    ids = kit_encode(PROMPT)
    weights = head_weights(params, config, ids)
    labels = [label(t) for t in ids]
    layers = [0, len(weights) - 1]
    H = config["n_heads"]
    # Drawn at the width the site shows it (8.6 in, about 830 px), so that 1 pt of text is 1.33 px
    # on screen: token labels of 8.5 pt, titles of 10. Rows share the keys' labels (bottom row
    # only) and columns the queries' (first column only), which leaves room for the heatmaps.
    fig, axes = plt.subplots(
        len(layers), H, figsize=(8.6, 5.6), sharex=True, sharey=True, squeeze=False
    )
    for row, layer in enumerate(layers):
        for head in range(H):
            ax = axes[row][head]
            ax.imshow(weights[layer][head], cmap="Blues", vmin=0.0, vmax=1.0)
            ax.set_title(f"block {layer}, head {head}", fontsize=10)
            ax.set_xticks(range(len(ids)))
            ax.set_yticks(range(len(ids)))
            ax.set_xticklabels(labels, rotation=90, fontsize=8.5, family="monospace")
            ax.set_yticklabels(labels, fontsize=8.5, family="monospace")
            ax.tick_params(length=0, labelbottom=row == len(layers) - 1, labelleft=head == 0)
    fig.text(0.5, 0.005, "attends to (key position)", ha="center", fontsize=10)
    fig.text(0.005, 0.5, "query position", va="center", rotation=90, fontsize=10)
    fig.tight_layout(rect=(0.02, 0.02, 1, 1), w_pad=0.4, h_pad=0.6)
    out = out_dir / "2.4-attention-heads.svg"
    fig.savefig(out, format="svg", metadata={"Date": None})
    plt.close(fig)
    return [out]
