"""Hands in the stub; its .git/objects is a symbolic link to a classmate's objects, and its branch names the classmate's commit."""
# the stub stays as it is; the repository is the attack
