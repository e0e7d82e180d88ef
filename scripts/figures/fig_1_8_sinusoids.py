"""Figure for lesson 1.8: the sinusoidal position table as a heatmap.

Rows are positions, columns are dimensions. The interleaved pairs (sin, cos) on the left turn
fast; pairs further right turn ever more slowly, so each row gets its own pattern.
"""

from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

N_POSITIONS, D_MODEL = 64, 64


def sinusoids(n: int, d: int) -> np.ndarray:
    """P[p, 2i] = sin(p / 10000^(2i/d)), P[p, 2i+1] = cos(the same angle)."""
    angles = np.arange(n)[:, None] / 10000 ** (np.arange(0, d, 2) / d)
    table = np.empty((n, d))
    table[:, 0::2] = np.sin(angles)
    table[:, 1::2] = np.cos(angles)
    return table


def make(out_dir: pathlib.Path) -> list[pathlib.Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    plt.rcParams["font.size"] = 10
    table = sinusoids(N_POSITIONS, D_MODEL)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    image = ax.imshow(table, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_xlabel("dimension  (even columns: sin, odd columns: cos)")
    ax.set_ylabel("position p")
    ax.set_title(f"sinusoidal_positions({N_POSITIONS}, {D_MODEL})")
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "1.8-sinusoidal-table.svg"
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return [path]


if __name__ == "__main__":
    root = pathlib.Path(__file__).resolve().parents[2]
    for written in make(root / "lessons" / "figures"):
        print(written.relative_to(root))
