"""Plots of what skastro's estimators return: folded light curves,
periodograms and per-level confusion matrices of a class taxonomy.

matplotlib is imported when a plot is drawn, never when this package is
imported (install it with the ``plot`` extra).
"""

from ._classification import plot_confusion_levels
from ._lightcurves import plot_folded, plot_periodogram

__all__ = ["plot_confusion_levels", "plot_folded", "plot_periodogram"]
