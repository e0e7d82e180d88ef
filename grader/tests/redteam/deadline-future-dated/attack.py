"""Its one commit is dated in the year 2100."""
# the lesson itself is the reference solution
