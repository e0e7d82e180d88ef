"""Named so that its feedback file would collide with another on a case-insensitive disk."""
# the lesson itself is the reference solution
