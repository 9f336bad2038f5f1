"""Peak tracking: the top peaks of a power series, refined, and their report.

Peaks are found while the grid is walked (nothing of size n_frequencies need
be stored), refined by a parabola through the three grid points around each,
and reported with their power, their signal-to-noise ``(P - mean P) / std P``
and, for the best, the Baluev (2008) false-alarm probability. The same walk
gathers the shape of the spectrum: per decade of period (:data:`DECADES`)
the highest power and its S/N over the decade's grid points.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np

from ..families.spectrum import DECADES
from .significance import fap_baluev

# The outputs of a batch: per segment (object-major, band-minor) the period,
# power and S/N of each peak and the false-alarm probability of the best;
# per object the multi-band period and power of each peak, and the periods of
# the peaks of the shared-shape multi-band power (one offset per band, one
# sinusoid for all bands: LombScargleMultiband(nterms_base=1,
# nterms_band=0)), candidates of the re-ranking only.
PeriodogramPeaks = namedtuple(
    "PeriodogramPeaks",
    "period power snr fap multiband_period multiband_power shared_period",
)
# Peaks of one object, one row per series (each band, the multi-band, then
# the shared-shape multi-band):
# top powers (descending, -1 for none yet), their frequencies, and per series
# (previous power, the one before, sum of powers, sum of squares).
# decade: per series and decade of period (frequency order: longest periods
# first) the highest power (-1 for none yet), the sum and the sum of squares.
Tracker = namedtuple("Tracker", "power freq state decade")
# The spectrum's shape of a batch: per segment and decade of period (the
# order of DECADES) the highest power and its S/N over the decade.
Spectrum = namedtuple("Spectrum", "power snr")

N_DECADES = len(DECADES)
# frequency edges between decades, ascending (1 / 1000 d ... 1 / 0.1 d)
_EDGES = np.array([1.0 / lo for lo, _ in DECADES[:0:-1]])


def empty_peaks(n_segments: int, n_objects: int, n_peaks: int) -> PeriodogramPeaks:
    """NaN-filled outputs for a batch."""
    per_seg = [np.full((n_segments, n_peaks), np.nan) for _ in range(3)]
    per_obj = [np.full((n_objects, n_peaks), np.nan) for _ in range(3)]
    return PeriodogramPeaks(*per_seg, np.full(n_segments, np.nan), *per_obj)


def empty_spectrum(n_segments: int) -> Spectrum:
    """NaN-filled spectrum shape for a batch."""
    return Spectrum(*(np.full((n_segments, N_DECADES), np.nan) for _ in range(2)))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def new_tracker(n_series, n_peaks):
    decade = np.zeros((n_series, N_DECADES, 3))
    decade[:, :, 0] = -1.0
    return Tracker(
        np.full((n_series, n_peaks), -1.0),
        np.full((n_series, n_peaks), np.nan),
        np.zeros((n_series, 4)),
        decade,
    )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def decade_starts(df):
    """First grid index ``k`` (frequency ``k df``) of each decade, and a bound.

    Decade ``d`` (frequency order, longest periods first) holds the indices
    ``starts[d] <= k < starts[d + 1]``; a frequency on an edge goes to the
    longer periods, with the grid's own rounding (``setup``).
    """
    starts = np.empty(N_DECADES + 1, dtype=np.int64)
    starts[0] = 0
    for d in range(1, N_DECADES):
        starts[d] = int(math.floor(_EDGES[d - 1] / df + 1e-9)) + 1
    starts[N_DECADES] = np.iinfo(np.int64).max
    return starts


@numba.njit(cache=True, nogil=True, error_model="numpy")
def track_decade(decade, q, d, p):
    """Feed power ``p`` of series ``q`` in decade ``d`` to the decade sums."""
    if p > decade[q, d, 0]:
        decade[q, d, 0] = p
    decade[q, d, 1] += p
    decade[q, d, 2] += p * p


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def gls_power(cc, ss, cs, yc, ys, norm):
    """Chi-square reduction of one sinusoid from its centred sums, over ``norm``.

    ``cc, ss, cs``: the centred weighted sums of cos^2, sin^2 and cos sin
    (the mean removed), ``yc, ys``: of y cos and y sin; the weighted normal
    equations of a sinusoid and an offset, solved in closed form
    (Zechmeister & Kurster 2009). Clipped to [0, 1]; 0 where the sums are
    singular (a frequency the sampling cannot see).
    """
    d = cc * ss - cs * cs
    if not d > 1e-300 * (cc + ss + 1.0):
        return 0.0
    p = (ss * yc * yc + cc * ys * ys - 2.0 * cs * yc * ys) / (d * norm)
    return min(max(p, 0.0), 1.0)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def shared_power(acc, chi0_sum):
    """Power of the shared-shape multi-band model from its summed sums.

    ``acc = (cc, ss, cs, yc, ys)``: each band's centred weighted sums (of
    cos^2, sin^2, cos sin, y cos, y sin, the band's mean removed) times its
    total weight, summed over bands: the normal equations of one sinusoid
    shared by all bands with an offset per band. Returns its chi-square
    reduction over ``chi0_sum``, in [0, 1].
    """
    return gls_power(acc[0], acc[1], acc[2], acc[3], acc[4], chi0_sum)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _push_peak(pw, fr, q, power, freq):
    """Insert (power, freq) into the descending top list of series ``q``."""
    n = pw.shape[1]
    if power <= pw[q, n - 1]:
        return
    j = n - 1
    while j > 0 and pw[q, j - 1] < power:
        pw[q, j] = pw[q, j - 1]
        fr[q, j] = fr[q, j - 1]
        j -= 1
    pw[q, j] = power
    fr[q, j] = freq


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _refine(p0, p1, p2):
    """Offset (in grid steps) of the parabola's vertex through 3 points."""
    den = p0 - 2.0 * p1 + p2
    if den < 0:
        return min(max(0.5 * (p0 - p2) / den, -0.5), 0.5)
    return 0.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def track(pw, fr, state, q, j, k, p, df):
    """Feed power ``p`` at grid position ``j`` (frequency ``k df``) to series q.

    ``pw, fr, state`` are a :data:`Tracker`'s arrays (passed apart: this
    runs once per frequency). A local maximum at position ``j - 1`` is
    pushed to the top list.
    """
    prev1 = state[q, 0]
    prev2 = state[q, 1]
    if j >= 1 and (j == 1 or prev1 > prev2) and prev1 >= p:
        shift = 0.0 if j == 1 else _refine(prev2, prev1, p)
        _push_peak(pw, fr, q, prev1, (k - 1 + shift) * df)
    state[q, 1] = prev1
    state[q, 0] = p
    state[q, 2] += p
    state[q, 3] += p * p


@numba.njit(cache=True, nogil=True, error_model="numpy")
def track_series(tracker, q, power, k0, df):
    """:func:`track` over a whole stored power series (same peaks, faster).

    Walked one decade of period at a time, its sums kept in locals.
    """
    pw, fr, state, decade = tracker
    starts = decade_starts(df)
    n = power.shape[0]
    prev1 = 0.0
    prev2 = 0.0
    acc = 0.0
    acc2 = 0.0
    d = 0
    j = 0
    floor = pw[q, pw.shape[1] - 1]  # a peak must beat the last of the top list
    while j < n:
        while k0 + j >= starts[d + 1]:
            d += 1
        end = min(n, starts[d + 1] - k0)
        top = decade[q, d, 0]
        s1 = 0.0
        s2 = 0.0
        for i in range(j, end):
            p = power[i]
            s1 += p
            s2 += p * p
            if p > top:
                top = p
            if prev1 > floor and i >= 1 and prev1 >= p and (i == 1 or prev1 > prev2):
                shift = 0.0 if i == 1 else _refine(prev2, prev1, p)
                _push_peak(pw, fr, q, prev1, (k0 + i - 1 + shift) * df)
                floor = pw[q, pw.shape[1] - 1]
            prev2 = prev1
            prev1 = p
        decade[q, d, 0] = top
        decade[q, d, 1] += s1
        decade[q, d, 2] += s2
        acc += s1
        acc2 += s2
        j = end
    state[q, 0] = prev1
    state[q, 1] = prev2
    state[q, 2] = acc
    state[q, 3] = acc2


@numba.njit(cache=True, nogil=True, error_model="numpy")
def report(o, data, tracker, nf, k1, df, fap_min_points, out):
    """Write object ``o``'s peaks (grid ``k df``, ``nf`` points up to k1) to out.

    ``data`` is the object's :data:`~.setup.ObjectData`, ``out`` the batch's
    :data:`PeriodogramPeaks`.
    """
    n_bands = data.yy.shape[0]
    pw, fr, state = tracker.power, tracker.freq, tracker.state
    n_peaks = pw.shape[1]
    for q in range(n_bands + 2):
        if q < n_bands and data.yy[q] <= 0:
            continue
        if q >= n_bands and (n_bands == 1 or data.chi0_sum <= 0):
            continue
        if nf == 1 or state[q, 0] > state[q, 1]:
            _push_peak(pw, fr, q, state[q, 0], k1 * df)
        mean = state[q, 2] / nf
        var = state[q, 3] / nf - mean * mean
        sd_p = math.sqrt(var) if var > 0 else 0.0
        for j in range(n_peaks):
            if pw[q, j] < 0:
                continue
            if q == n_bands + 1:
                out.shared_period[o, j] = 1.0 / fr[q, j]
                continue
            if q == n_bands:
                out.multiband_period[o, j] = 1.0 / fr[q, j]
                out.multiband_power[o, j] = pw[q, j]
                continue
            row = o * n_bands + q
            out.period[row, j] = 1.0 / fr[q, j]
            out.power[row, j] = pw[q, j]
            if sd_p > 0:
                out.snr[row, j] = (pw[q, j] - mean) / sd_p
        if q < n_bands and pw[q, 0] >= 0:
            out.fap[o * n_bands + q] = fap_baluev(
                pw[q, 0],
                k1 * df,
                data.tr,
                data.w,
                data.la[q],
                data.lb[q],
                fap_min_points,
            )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def report_spectrum(o, data, tracker, k0, k1, df, spec):
    """Write object ``o``'s highest power and S/N per decade to ``spec``.

    A decade with no grid point gives NaN; its S/N is
    ``(max - mean) / std`` over the decade's grid points (NaN when the
    power is constant there).
    """
    n_bands = data.yy.shape[0]
    starts = decade_starts(df)
    decade = tracker.decade
    for d in range(N_DECADES):
        lo = max(k0, starts[d])
        hi = min(k1, starts[d + 1] - 1)
        n = hi - lo + 1
        if n <= 0:
            continue
        col = N_DECADES - 1 - d  # DECADES order: shortest periods first
        for q in range(n_bands):
            if data.yy[q] <= 0 or decade[q, d, 0] < 0:
                continue
            row = o * n_bands + q
            top = decade[q, d, 0]
            mean = decade[q, d, 1] / n
            var = decade[q, d, 2] / n - mean * mean
            spec.power[row, col] = top
            if var > 1e-12 * mean * mean:
                spec.snr[row, col] = (top - mean) / math.sqrt(var)
