"""nbgrader, as one vertical: the course as a real nbgrader course.

- `markers`: the region markers and the test-cell magic's name that every part agrees on;
- `merge`: stub + reference solution -> answer cells (an AST merge);
- `export`: the notebooks, the course folder and its config (`hexahype nbgrader OUT/`);
- `runtime`: what runs inside the kernel: the notebook's code as its lesson module, and the
  `%%hexahype_tests` magic of the autograder test cells;
- `feedback`: the nbconvert preprocessor that keeps hidden tests out of feedback.
"""
