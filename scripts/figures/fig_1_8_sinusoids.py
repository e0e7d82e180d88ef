"""Figure for lesson 1.8: the sinusoidal position table, as a heatmap and as waves.

Left: rows are positions, columns are dimensions; the pairs (sin, cos) on the left turn fast,
pairs further right ever more slowly. Right: a few sine columns drawn over many positions, so
that the slow dimensions, which look constant in a short table, show as the long waves they are.
"""

from __future__ import annotations

import math
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from solutions.ch1_tokens.l08_positions import sinusoidal_positions  # noqa: E402

D_MODEL = 64
HEAT_POSITIONS = 512
WAVE_POSITIONS = 1024
PAIRS = (0, 4, 8, 12, 16, 20)  # pair i lives in columns 2i (sin) and 2i + 1 (cos)


def make(out_dir: pathlib.Path) -> list[pathlib.Path]:
    plt.rcParams["svg.hashsalt"] = "hexahype"
    plt.rcParams["font.size"] = 9
    fig, (heat, waves) = plt.subplots(
        1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1, 1.5]}
    )

    table = sinusoidal_positions(HEAT_POSITIONS, D_MODEL)  # (n, d)
    image = heat.imshow(
        table, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto", interpolation="nearest"
    )
    heat.set_xlabel("dimension  (even: sin, odd: cos)")
    heat.set_ylabel("position p")
    heat.set_title(f"sinusoidal_positions({HEAT_POSITIONS}, {D_MODEL})")
    fig.colorbar(image, ax=heat, fraction=0.046, pad=0.03)

    long = sinusoidal_positions(WAVE_POSITIONS, D_MODEL)  # (n, d)
    for row, i in enumerate(PAIRS):
        offset = -2.6 * row
        wavelength = 2 * math.pi * 10000 ** (2 * i / D_MODEL)
        waves.plot(long[:, 2 * i] + offset, color="#4c72b0", linewidth=0.8)
        waves.text(
            WAVE_POSITIONS + 12,
            offset,
            f"column {2 * i}: one wave\nevery {wavelength:,.0f} positions",
            va="center",
            fontsize=8,
        )
    waves.set_xlim(0, WAVE_POSITIONS)
    waves.set_yticks([])
    waves.set_xlabel("position p")
    waves.set_title(f"sin columns of sinusoidal_positions({WAVE_POSITIONS}, {D_MODEL})")
    for side in ("top", "right", "left"):
        waves.spines[side].set_visible(False)

    fig.tight_layout()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "1.8-sinusoidal-table.svg"
    fig.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    return [path]


if __name__ == "__main__":
    for written in make(ROOT / "lessons" / "figures"):
        print(written.relative_to(ROOT))
