"""Its one commit is dated in the year 2099."""
# the lesson itself is the reference solution
