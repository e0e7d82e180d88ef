"""Hands in the stub; its branch names a classmate's commit, whose objects its alternates file borrows from the classmate's repository."""
# the stub stays as it is; the repository is the attack
