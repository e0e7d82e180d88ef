"""A stray numpy.py beside the lessons (and at the root) whose arrays compare equal to anything; the lesson is the stub."""
# the stub stays as it is
