"""False-alarm probability of a periodogram peak (Baluev 2008)."""

from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def fap_baluev(z, fmax, tr, w, a, b, min_points):
    """Baluev (2008) false-alarm probability, 'standard' normalisation.

    As astropy's ``fap_baluev`` with a floating mean (dH = 1, dK = 3), for
    the points ``[a, b)`` of times ``tr`` and normalised weights ``w``; NaN
    under ``min_points`` points (the registry's 5: with N - 4 = 0 the bound
    jumps from 1 to 0 as the power reaches 1).
    """
    n = b - a
    nh = n - 1.0
    nk = n - 3.0
    if n < min_points:
        return np.nan
    if z >= 1.0:
        return 0.0
    tw = 0.0
    for i in range(a, b):
        tw += w[i] * tr[i]
    dt = 0.0
    for i in range(a, b):
        dt += w[i] * (tr[i] - tw) ** 2
    big_w = fmax * math.sqrt(4.0 * math.pi * dt)
    gam = math.sqrt(2.0 / nh) * math.exp(
        math.lgamma(nh / 2.0) - math.lgamma((nh - 1) / 2)
    )
    fap_single = (1.0 - z) ** (0.5 * nk)
    tau = gam * big_w * (1.0 - z) ** (0.5 * (nk - 1.0)) * math.sqrt(0.5 * nh * z)
    # 1 - (1 - fap_single) exp(-tau), written to keep small values precise
    return -math.expm1(-tau) + fap_single * math.exp(-tau)
