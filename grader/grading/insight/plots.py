"""The report's plots: matplotlib figures as inline SVG, text kept as text, no timestamps, and
ids salted per plot so that several plots can share one page."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

COLORS = {"done": "#2e7d32", "failing": "#c62828", "not started": "#9e9e9e", "error": "#6a1b9a"}


class PlotsUnavailable(RuntimeError):
    """matplotlib is not installed."""


def require() -> None:
    """Raise PlotsUnavailable now, before any work, when matplotlib cannot be imported."""
    import importlib.util

    if importlib.util.find_spec("matplotlib") is None:
        raise PlotsUnavailable("the class report needs matplotlib: pip install -e '.[insight]'")


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the insight extra is missing
        raise PlotsUnavailable(
            "the class report needs matplotlib: pip install -e '.[insight]'"
        ) from None
    fig = Figure(figsize=(width, height), dpi=96)
    return fig


def _svg(fig, salt: str, label: str) -> str:  # type: ignore[no-untyped-def]
    from matplotlib import rc_context

    buf = io.StringIO()
    with rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    return text.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _whole(axis) -> None:  # type: ignore[no-untyped-def]
    """Counts of students: whole-number ticks only."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def histogram(values: Sequence[float], top: float, title: str) -> str:
    fig = _figure(6.4, 2.8)
    ax = fig.add_subplot()
    bins = 20 if top > 0 else 1
    ax.hist(list(values), bins=bins, range=(0.0, max(top, 1.0)), color="#1565c0", edgecolor="white")
    ax.set_xlabel("points")
    ax.set_ylabel("students")
    _whole(ax.yaxis)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "scores", title)


def stacked_shares(labels: Sequence[str], shares: Mapping[str, Sequence[float]], title: str) -> str:
    """One horizontal bar per label, split into the share of each status."""
    fig = _figure(6.4, 0.6 + 0.32 * max(len(labels), 1))
    ax = fig.add_subplot()
    left = [0.0] * len(labels)
    positions = list(range(len(labels)))
    for status, values in shares.items():
        ax.barh(positions, values, left=left, color=COLORS.get(status, "#607d8b"), label=status)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.legend(
        ncols=len(shares), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False, fontsize=9
    )
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "lessons", title)


def bars(labels: Sequence[str], values: Sequence[float], title: str, xlabel: str) -> str:
    fig = _figure(6.4, 0.6 + 0.3 * max(len(labels), 1))
    ax = fig.add_subplot()
    positions = list(range(len(labels)))
    ax.barh(positions, list(values), color="#ef6c00")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    _whole(ax.xaxis)
    ax.set_title(title, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig, "mistakes", title)
