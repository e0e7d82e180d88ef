"""Regenerate every figure of the course: `python scripts/make_figures.py [NAME ...]`.

Each module `scripts/figures/fig_*.py` has `make(out_dir) -> list[Path]` and writes SVG files into
`lessons/figures/`. Figures are committed; re-run this script when their data changes.
matplotlib is a maintainer-only dependency: the `figures` extra, part of `dev`
(`pip install -e ".[figures]"`).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lessons" / "figures"


def main(names: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    import matplotlib

    matplotlib.use("Agg")
    OUT.mkdir(parents=True, exist_ok=True)
    modules = sorted((ROOT / "scripts" / "figures").glob("fig_*.py"))
    if names:
        modules = [m for m in modules if any(n in m.stem for n in names)]
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for written in module.make(OUT):
            print(f"{path.stem}: {Path(written).relative_to(ROOT).as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
