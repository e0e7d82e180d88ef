"""Hands in the stub; its .git is a file naming a classmate's repository by its absolute path."""
# the stub stays as it is; the repository is the attack
