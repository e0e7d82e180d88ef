"""The maintainer's and instructor's side: verify, release, the Classroom workflow and the
nbgrader export."""
