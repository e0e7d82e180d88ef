"""Hands in the stub; commits a tree holding a classmate's blob it does not have, and its config includes a file making the classmate's repository a promisor remote that git would fetch the blob from."""
# the stub stays as it is; the repository is the attack
