"""Hands in the stub by the deadline, then commits the solution after it, backdated."""
# the stub stays as it is
