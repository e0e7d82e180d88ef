"""`python -m grader.capstone fetch`: fetch SmolLM2's weights and build the float32 cache when
they are missing (the set-up step of `make test`); `python -m grader.capstone where` prints the
cache folder. Exit status 1 with one line on stderr when the fetch fails."""

from __future__ import annotations

import argparse
import sys

from . import FetchError, MissingExtra, ensure
from .weights import cache_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.capstone")
    parser.add_argument("action", choices=["fetch", "where"])
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.action == "where":
        print(cache_path().parent)
        return 0
    try:
        ensure(quiet=args.quiet)
    except (FetchError, MissingExtra) as exc:
        print(f"hexahype: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
