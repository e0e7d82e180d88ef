"""The platforms the kit grades through: nbgrader, Classroom 50, Gradescope and GitHub Classroom's
legacy workflow step. They build on the learner, grading and authoring layers; nothing below
imports them."""
