"""Lomb-Scargle periodogram peaks, multi-band period and folded-curve features.

One compiled pass per object evaluates, on the object's frequency grid
(``setup``), the generalised Lomb-Scargle power (floating mean, weights
``1 / err^2``, Zechmeister & Kurster 2009, astropy's ``"standard"``
normalisation) of every band and, with several bands, the multi-band power
of VanderPlas & Ivezic (2015) with one shared frequency and a free mean and
amplitude per band: ``sum_b (chi2_0,b - chi2_b(f)) / sum_b chi2_0,b``.

Modules, one idea each:

- ``setup``: the frequency grids and the per-object weighted data;
- ``direct`` and ``nufft``: the two evaluations of the sums, listed in
  ``methods.METHODS`` and chosen per object by cost;
- ``fft_backend``: scipy.fft or pyFFTW, and pyFFTW's plan cache;
- ``peaks``: peak tracking and refinement, the spectrum's shape per decade
  of period, and the per-object report;
- ``significance``: the Baluev (2008) false-alarm probability;
- ``folded``: the folded-curve (psi) and Fourier features at ``period_0``.

All of them import numba: this package is imported only when features are
computed (``families.periodogram`` and ``families.folded`` declare them).
"""

from .fft_backend import fft_backend
from .methods import (
    METHODS,
    coarse_grids,
    keep_window,
    periodogram_peaks,
    periodogram_scan,
)
from .nufft import USE
from .peaks import DECADES, PeriodogramPeaks, Spectrum

__all__ = [
    "DECADES",
    "METHODS",
    "PeriodogramPeaks",
    "Spectrum",
    "USE",
    "coarse_grids",
    "fft_backend",
    "keep_window",
    "periodogram_peaks",
    "periodogram_scan",
]
