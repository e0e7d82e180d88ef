"""Hands in the stub; its .git is a file saying gitdir: ../<a classmate>/.git, so git would read the classmate's repository."""
# the stub stays as it is; the repository is the attack
