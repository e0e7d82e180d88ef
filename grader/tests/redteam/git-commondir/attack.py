"""Hands in the stub; its .git has a commondir file naming a classmate's .git, where git then finds the refs and objects."""
# the stub stays as it is; the repository is the attack
