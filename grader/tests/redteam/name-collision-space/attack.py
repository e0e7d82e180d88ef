"""Named so that its feedback file would collide with another."""
# the lesson itself is the reference solution
