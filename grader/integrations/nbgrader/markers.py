"""The strings the nbgrader export, its kernel runtime and its feedback agree on."""

from __future__ import annotations

from ...notebooks import META_KEY

SOLUTION_BEGIN = "### BEGIN SOLUTION"
SOLUTION_END = "### END SOLUTION"
HIDDEN_BEGIN = "### BEGIN HIDDEN TESTS"
HIDDEN_END = "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE"
MAGIC = "hexahype_tests"  # the cell magic of autograder test cells
NBGRADER_SCHEMA = 3

__all__ = [
    "CODE_STUB",
    "HIDDEN_BEGIN",
    "HIDDEN_END",
    "MAGIC",
    "META_KEY",
    "NBGRADER_SCHEMA",
    "SOLUTION_BEGIN",
    "SOLUTION_END",
]
