"""The one error of the site builder: a clear line, exit status 1."""

from __future__ import annotations


class SiteError(Exception):
    """The site cannot be built as asked (one clear line)."""
