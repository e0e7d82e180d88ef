"""Commits as an author whose name holds escapes, markdown and a formula."""
# the lesson itself is the reference solution
