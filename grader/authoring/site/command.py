"""`hexahype site [OUT] [--serve]`: the course as a static web site.

    hexahype site build/site           write the site into build/site (the default OUT)
    hexahype site --serve              build it, then preview it on http://127.0.0.1:8000/
    hexahype site OUT --serve --port 8123

The site is built from course.toml and lessons/ alone, works offline (nothing is fetched from
elsewhere) and keeps each reader's progress in their browser. It needs the `site` extra
(markdown-it-py, Pygments, Jinja2, latex2mathml for the formulas, Pagefind for the search):
pip install -e ".[site]".

Served from a learner's checkout, each lesson also shows the learner's exercise status from
their last run (.hexahype/state.json, read only); the static site says it has none.
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial
from pathlib import Path

from ...manifest import Course

INSTALL = 'pip install -e ".[site]"'
# The modules the `site` extra brings; any other missing module is a real error.
EXTRA_MODULES = {
    "jinja2",
    "markupsafe",
    "markdown_it",
    "mdit_py_plugins",
    "pygments",
    "latex2mathml",
    "pagefind_bin",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        help="folder to write the site into (default: build/site in the course)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="then serve it on http://127.0.0.1:PORT/ until Ctrl-C",
    )
    parser.add_argument("--port", type=int, default=8000, help="the port of --serve (8000)")


def _missing(exc: ModuleNotFoundError) -> bool:
    """Whether `exc` is a module of the `site` extra missing (said in one line), not a bug."""
    if (exc.name or "").split(".")[0] not in EXTRA_MODULES:
        return False
    print(
        f"hexahype site: needs the site extra ({exc.name} is missing): {INSTALL}",
        file=sys.stderr,
    )
    return True


def run(args: argparse.Namespace, course: Course) -> int:
    try:
        from . import build
    except ModuleNotFoundError as exc:
        if not _missing(exc):
            raise
        return 2
    from . import serve
    from .errors import SiteError

    out = args.out if args.out is not None else course.root / "build" / "site"
    start = time.perf_counter()
    try:
        result = build.build(course, out)
        seconds = time.perf_counter() - start
        print(
            f"wrote {result.pages} pages and the contents ({len(result.files)} files) "
            f"to {args.out or 'build/site'} in {seconds:.2f} s"
        )
        if args.serve:
            serve.serve_forever(result.out, args.port, partial(serve.checkout_status, course))
    except SiteError as exc:
        print(f"hexahype site: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:  # the search's binary (pagefind-bin) is looked up late
        if not _missing(exc):
            raise
        return 2
    return 0
