"""Figure for lesson 1.6: an embedding lookup drawn as the table and the rows it selects.

The ids [5, 2, 5] pick rows 5, 2 and 5 of an 8 x 4 table; the output stacks those rows.
"""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

WORDS = ["<pad>", "the", "cat", "sat", "on", "mat", "dog", "a"]
IDS = [5, 2, 5]
HIGHLIGHT = {5: "#d62728", 2: "#1f77b4"}


def _grid(ax, x0, y0, values, cmap, edge="#444444"):
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(
                Rectangle(
                    (x0 + c, y0 - r - 1),
                    1,
                    1,
                    facecolor=cmap(values[r, c]),
                    edgecolor=edge,
                    linewidth=0.6,
                )
            )


def make(out_dir: pathlib.Path) -> list[pathlib.Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    plt.rcParams["font.size"] = 10
    rng = np.random.default_rng(6)
    table = rng.normal(size=(len(WORDS), 4))
    shade = (table - table.min()) / (table.max() - table.min())
    cmap = plt.get_cmap("PuOr")

    fig, ax = plt.subplots(figsize=(7.6, 3.9))
    ax.set_xlim(-3.8, 15.2)
    ax.set_ylim(-9.6, 1.6)
    ax.set_aspect("equal")
    ax.axis("off")

    # the ids, left
    ax.text(-2.6, 1.0, "ids", ha="center", fontweight="bold")
    for k, token in enumerate(IDS):
        y = -2.5 - 2 * k
        ax.add_patch(
            Rectangle(
                (-3.2, y - 0.5),
                1.2,
                1,
                facecolor="white",
                edgecolor=HIGHLIGHT[token],
                linewidth=1.6,
            )
        )
        ax.text(-2.6, y, str(token), ha="center", va="center", color=HIGHLIGHT[token])

    # the table, middle
    x0 = 2.2
    ax.text(x0 + 2, 1.0, "table  (V = 8, d = 4)", ha="center", fontweight="bold")
    _grid(ax, x0, 0, shade, cmap)
    for r, word in enumerate(WORDS):
        ax.text(
            x0 - 0.25,
            -r - 0.5,
            f"{r}  {word}",
            ha="right",
            va="center",
            fontsize=8.5,
            color=HIGHLIGHT.get(r, "#444444"),
        )
        if r in HIGHLIGHT:
            ax.add_patch(
                Rectangle((x0, -r - 1), 4, 1, fill=False, edgecolor=HIGHLIGHT[r], linewidth=2.2)
            )
    for k, token in enumerate(IDS):
        y = -2.5 - 2 * k
        ax.add_patch(
            FancyArrowPatch(
                (-2.0, y),
                (x0 - 2.0, -token - 0.5),
                arrowstyle="-|>",
                mutation_scale=10,
                color=HIGHLIGHT[token],
                linewidth=1.0,
                connectionstyle="arc3,rad=0.0",
            )
        )

    # the output, right
    x1 = 10.2
    ax.text(x1 + 2, 1.0, "embed(ids, table)", ha="center", fontweight="bold")
    out = shade[IDS]
    for k, token in enumerate(IDS):
        y_top = -2 - 2 * k
        _grid(ax, x1, y_top, out[k : k + 1], cmap)
        ax.add_patch(
            Rectangle((x1, y_top - 1), 4, 1, fill=False, edgecolor=HIGHLIGHT[token], linewidth=2.2)
        )
        ax.text(
            x1 + 4.3, y_top - 0.5, f"row {token}", va="center", fontsize=8.5, color=HIGHLIGHT[token]
        )
        ax.add_patch(
            FancyArrowPatch(
                (x0 + 4.1, -token - 0.5),
                (x1 - 0.1, y_top - 0.5),
                arrowstyle="-|>",
                mutation_scale=10,
                color=HIGHLIGHT[token],
                linewidth=1.0,
            )
        )
    ax.text(x1 + 2, -8.6, "shape ids.shape + (d,) = (3, 4)", ha="center", fontsize=8.5)
    ax.text(
        x0 + 2,
        -9.2,
        "only rows 2 and 5 are read,\nso only they receive a gradient",
        ha="center",
        va="top",
        fontsize=8.5,
        color="#444444",
    )

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "1.6-lookup.svg"
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return [path]


if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parents[2]
    for written in make(root / "lessons" / "figures"):
        print(written.relative_to(root))
