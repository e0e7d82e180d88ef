"""Hands in the stub; its .git is a symbolic link to a classmate's .git folder."""
# the stub stays as it is; the repository is the attack
