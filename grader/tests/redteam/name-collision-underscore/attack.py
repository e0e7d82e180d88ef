"""Named so that its feedback file would collide with another; its lesson is the stub, so the two files differ."""
# the stub stays as it is
