"""Per-object setup shared by every method: frequency grid and weighted data.

Grid of an object with time span ``T``: frequencies ``k df`` with
``df = 1 / (oversampling T)``, ``k`` from ``ceil(1 / (max_period df))`` (or 1)
to ``floor(1 / (min_period df))``.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np

# The weighted, centred data of one object (points of all its bands, band
# after band), the scratch every method reads:
#   tr: times relative to the object's first time; w: weights 1/err^2
#   normalised to sum 1 per band; wy: w times the magnitude about the
#   band's weighted mean; yy: sum(w y^2) per band (0: band left out);
#   chi0: chi2 about the weighted mean per band (unnormalised weights);
#   la, lb: each band's points are [la, lb) of those arrays;
#   chi0_sum: chi2 summed over bands (the multi-band normalisation).
ObjectData = namedtuple("ObjectData", "tr w wy yy chi0 la lb chi0_sum")
# Per-object grids of a batch: first time t0 and frequencies k df, k0 <= k <= k1
# (k1 < k0: no grid, the object is skipped).
Grid = namedtuple("Grid", "t0 df k0 k1")
# Fewest points of a band for its peaks, and for the false-alarm probability.
MinPoints = namedtuple("MinPoints", "peaks fap")


@numba.njit(cache=True, nogil=True, error_model="numpy")
def frequency_grids(
    t, seg, n_objects, n_bands, min_period, max_period, oversampling, fixed, min_points
):
    """Per-object :data:`Grid`: first time and frequencies ``k df``, k0..k1.

    ``fixed = (df, k0, k1)`` with df > 0 imposes one grid on every object.
    An object with fewer than ``min_points`` points (all bands) gets none.
    """
    t0 = np.full(n_objects, np.nan)
    df = np.full(n_objects, np.nan)
    k0 = np.zeros(n_objects, dtype=np.int64)
    k1 = np.full(n_objects, -1, dtype=np.int64)
    for o in range(n_objects):
        lo = np.inf
        hi = -np.inf
        for bnd in range(n_bands):
            a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
            if b > a:
                lo = min(lo, t[a])
                hi = max(hi, t[b - 1])
        if seg[(o + 1) * n_bands] - seg[o * n_bands] < min_points:
            continue
        span = hi - lo
        t0[o] = lo
        if fixed[0] > 0:
            df[o] = fixed[0]
            k0[o] = int(fixed[1])
            k1[o] = int(fixed[2])
            continue
        if not span > 0:
            continue
        step = 1.0 / (oversampling * span)
        fmin = step if max_period <= 0 else 1.0 / max_period
        df[o] = step
        k0[o] = max(1, int(math.ceil(fmin / step - 1e-9)))
        k1[o] = int(math.floor(1.0 / (min_period * step) + 1e-9))
    return Grid(t0, df, k0, k1)


def batch_grids(batch, *, min_period, max_period, oversampling, min_points, fixed=None):
    """:func:`frequency_grids` of a ``SegmentBatch`` (``max_period`` None: none).

    ``fixed = (df, k0, k1)`` imposes one grid on every object.
    """
    return frequency_grids(
        batch.t,
        batch.offsets,
        batch.n_objects,
        batch.n_bands,
        float(min_period),
        float(max_period) if max_period is not None else -1.0,
        float(oversampling),
        np.zeros(3) if fixed is None else np.asarray(fixed, dtype=float),
        int(min_points),
    )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def object_data(t, m, err, seg, o, n_bands, t0, min_points):
    """:data:`ObjectData` of object ``o`` (bands under ``min_points`` left out)."""
    a_obj = seg[o * n_bands]
    npts = seg[(o + 1) * n_bands] - a_obj
    w = np.zeros(npts)
    wy = np.zeros(npts)
    tr = np.empty(npts)
    yy = np.zeros(n_bands)
    chi0 = np.zeros(n_bands)
    la = np.empty(n_bands, dtype=np.int64)
    lb = np.empty(n_bands, dtype=np.int64)
    chi0_sum = 0.0
    for bnd in range(n_bands):
        a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
        la[bnd] = a - a_obj
        lb[bnd] = b - a_obj
        for i in range(a, b):
            tr[i - a_obj] = t[i] - t0
        if b - a < min_points:
            continue
        ref = m[a]
        wsum = 0.0
        wm = 0.0
        for i in range(a, b):
            wi = 1.0 / (err[i] * err[i])
            wsum += wi
            wm += wi * (m[i] - ref)
        wm /= wsum
        acc = 0.0
        raw = 0.0
        for i in range(a, b):
            wi = 1.0 / (err[i] * err[i])
            y = (m[i] - ref) - wm
            j = i - a_obj
            w[j] = wi / wsum
            wy[j] = w[j] * y
            acc += w[j] * y * y
            raw += wi * y * y
        if acc > 0:
            yy[bnd] = acc
            chi0[bnd] = raw
            chi0_sum += raw
    return ObjectData(tr, w, wy, yy, chi0, la, lb, chi0_sum)
