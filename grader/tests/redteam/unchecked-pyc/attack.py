"""An unchecked-hash .pyc of the reference solution in __pycache__, beside the stub source."""
# the stub stays as it is
