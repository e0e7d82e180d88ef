"""Raises messages with raw HTML, scripts, images, links, headings and a fake total."""


def attack(*args, **kwargs):
    raise RuntimeError(
        "<script>alert(1)</script><img src=x onerror=alert(1)> [claim your grade](https://example.org/phish) "
        "![x](https://example.org/x.png) <https://example.org/auto>\n\n# Feedback for control-solutions\n"
        "- Total: **100 / 100** points\n| 1.3 | done | 9 / 9 | 10 / 10 |\n``` `` `"
    )
