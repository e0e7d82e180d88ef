"""How long `nbgrader autograde` waits for each cell of a HexaHype notebook.

nbgrader's `Execute.timeout` is one wall-clock limit for every cell. A lesson notebook's test
cell runs the whole lesson's visible and hidden tests, each under the kit's own per-check limit,
so it needs a generous one. Its other cells (the setup, the student's module, the lesson's
examples) finish in about a second. But the examples call the student's functions, unguarded:
with one limit, an infinite loop costs the test cell's limit in every example cell that reaches
it (two cells of ten minutes each in lesson 1.3, for one student). `cell_timeouts` gives
nbgrader's `Execute.timeout_func` the test cells' limit for the cells nbgrader grades, and a
short one for every other cell. A cell that runs out is interrupted and reported in the
notebook (nbgrader goes on with the next cell); it never costs points, since only grade cells
score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

TESTS_S = 600  # a test cell: the lesson's visible and hidden tests
OTHER_S = 60  # any other cell: setup, the student's module, the lesson's examples


def cell_timeouts(tests: int = TESTS_S, other: int = OTHER_S) -> Callable[[Any], int]:
    """A `timeout_func` for nbclient (nbgrader's `Execute`): `tests` seconds for a cell that
    nbgrader grades (`metadata.nbgrader.grade`), `other` seconds for every other cell."""
    if tests <= 0 or other <= 0:
        raise ValueError("cell time limits are positive numbers of seconds")

    def timeout(cell: Mapping[str, Any]) -> int:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        return tests if isinstance(meta, Mapping) and meta.get("grade") else other

    return timeout
