"""A submission folder whose name holds a newline, ANSI escapes and a bidirectional override."""
# the lesson itself is the reference solution
