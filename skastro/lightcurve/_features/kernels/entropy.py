"""Conditional entropy of a folded light curve (Graham et al. 2013), numba.

The curve is folded at frequency ``f`` (phase ``frac(f t)``) and its points
binned on a ``n_phase x n_mag`` grid of (phase, normalised magnitude ``u``
in [0, 1]); with ``p_ij`` the fraction of points in cell ``(i, j)`` and
``p_i`` that of phase bin ``i``, the conditional entropy of the magnitude
given the phase is ``H = sum_ij p_ij ln(p_i / p_ij)`` (empty cells add
nothing). A period that folds the curve into a thin line gives a low ``H``;
unlike a harmonic fit it favours sharp features (eclipses) as much as
smooth ones. Graham et al. (2013, MNRAS 434, 3423) found it among the best
period finders across surveys.
"""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def conditional_entropy(tr, u, f, n_phase, n_mag, counts):
    """Conditional entropy of ``u`` (in [0, 1]) given the phase ``frac(f tr)``.

    ``counts``: scratch of at least ``n_phase * (n_mag + 1)`` integers.
    Magnitudes outside [0, 1] go to the edge bins. NaN without points.
    """
    n = tr.shape[0]
    if n == 0:
        return np.nan
    size = n_phase * (n_mag + 1)
    for i in range(size):
        counts[i] = 0
    for i in range(n):
        x = f * tr[i]
        ph = x - math.floor(x)
        ip = min(int(ph * n_phase), n_phase - 1)
        im = min(max(int(u[i] * n_mag), 0), n_mag - 1)
        counts[ip * (n_mag + 1) + im] += 1
        counts[ip * (n_mag + 1) + n_mag] += 1  # the phase bin's total
    h = 0.0
    for ip in range(n_phase):
        tot = counts[ip * (n_mag + 1) + n_mag]
        if tot == 0:
            continue
        for im in range(n_mag):
            c = counts[ip * (n_mag + 1) + im]
            if c > 0:
                h += c * math.log(tot / c)
    return h / n
