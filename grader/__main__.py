"""`python -m grader` is the `hexahype` command."""

import sys

from grader.cli import main

sys.exit(main())
