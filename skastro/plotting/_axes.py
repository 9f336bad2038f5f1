"""The one place that imports matplotlib, and hands out axes to draw on."""

from __future__ import annotations


def pyplot():
    """Import and return ``matplotlib.pyplot``, naming the extra if missing."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in "all"
        raise ImportError(
            "skastro.plotting needs matplotlib: pip install 'skastro[plot]'."
        ) from exc
    return plt


def axes_or_new(ax):
    """Return ``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    _, ax = pyplot().subplots()
    return ax
