"""Re-ranking of periodogram candidates by a multi-harmonic fit (numba).

For each series (every band alone, and with several bands all of them
together) the candidates are the ``K`` highest periodogram peaks ``f`` (for
all bands together, those of the multi-band power and those of the
shared-shape multi-band power, one sinusoid for all bands: the model below
with one harmonic, whose peaks ~10 points per band find more often) and,
for each, ``f + 1``, ``f - 1`` (the daily beat aliases, in cycles per day),
``f / 2`` and ``2 f`` (double and half the period), kept when inside the
object's frequency grid and not within half a grid step of an earlier one.
Each candidate is fitted by weighted least squares with the model of
:mod:`..kernels.harmonic` (``h = 1 .. n_harmonics`` harmonics, one band: an
offset and ``h`` harmonics; several: an offset per band and shared
harmonics) and scored by the Bayesian information criterion of a Gaussian
of unknown variance, ``BIC = V ln(chi2_h / N) + r_h ln V`` (``r_h`` the
rank of the design, ``N`` the points, ``V`` the visits: points of
different bands less than ``VISIT_GAP`` apart count once), minimised over
``h``: a double period must earn the harmonics it needs. Two choices make
it robust where the model is wrong. The variance is estimated from the
fit, not taken from the errors: with a second pulsation mode or an eclipse
the harmonics cannot follow, ``chi2 / N`` is 10-100 and ``chi2_h + r_h ln
N`` would read chance reductions of that misfit as "very strong" evidence
(on dense multi-band data it picked twice the period of 21 % of
double-mode RR Lyrae, which the unknown-variance form does not). And the
evidence counts visits, not points: the bands of one visit see the same
unmodelled signal at the same phase, so their residuals are not
independent (the design effect of Kish 1965; with ``V`` for ``N`` a random
sinusoid at half the frequency no longer explains "significantly" a
five-band visit's shared misfit). With one band, or one point per visit,
``V = N``, and where the model fits (``chi2 / N ~ 1``) ``N ln(chi2_h / N)
~ chi2_h - N``: the form is then about ``chi2_h + r_h ln N`` less a
constant. ``scorer``:

- ``0`` (``"harmonic"``): the lowest BIC wins; the three best (and the
  raw top peak) are first refined in frequency (two steps of successive
  parabolic interpolation on chi2, from half a grid step: three fits) and
  compared again, and the raw top peak
  stays unless the winner's BIC is lower by ``BIC_MARGIN`` = 10 ("very
  strong" evidence, Kass & Raftery 1995);
- ``1`` (``"entropy"``): the lowest conditional entropy of the folded curve
  (:mod:`..kernels.entropy`, 10 phase x 5 magnitude bins, magnitudes
  normalised to [0, 1] per band) wins, then it is refined as above.

The winner's frequency, amplitude (half the peak-to-peak of its fitted
periodic part over a cycle, the mean over bands weighted by their points),
chi-square reduction ``(chi2_0 - chi2) / chi2_0`` and whether it is not the
raw top peak are reported, and for each band alone the residual of its best
model (for the prewhitened secondary periods).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..kernels.entropy import conditional_entropy
from ..kernels.harmonic import (
    coefficients,
    fit_at,
    model_value,
    n_columns,
    new_work,
    sincos_cycles,
    trig,
)
from .setup import batch_grids

SCORERS = ("harmonic", "entropy")
# BIC drop (Kass & Raftery 1995: "very strong" evidence) a candidate needs
# to replace the raw top peak under the harmonic scorer
BIC_MARGIN = 10.0
N_PHASE, N_MAG = 10, 5
# points of different bands closer in time than this [days] are one visit
# (one unit of BIC evidence): the bands of a drift scan
VISIT_GAP = 0.01
_N_REFINE = 3  # candidates refined before the final comparison
# outputs per series: frequency, amplitude, chi2 reduction, not the raw top
N_OUT = 4


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _bic_of(chi2, rank, n, n_eff):
    """(lowest BIC over h = 1..n_harm, its h) of a fit's nested chi2.

    ``BIC = n_eff ln(chi2_h / N) + r_h ln n_eff``, ``n_eff`` the visits.
    """
    best, best_h = np.inf, 0
    for h in range(1, chi2.shape[0]):
        if rank[h] >= n or rank[h] == rank[h - 1]:
            continue
        if not chi2[h] > 0:
            continue
        b = n_eff * math.log(chi2[h] / n) + rank[h] * math.log(n_eff)
        if b < best:
            best, best_h = b, h
    return best, best_h


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _vertex(a, fa, b, fb, c, fc):
    """Abscissa of the minimum of the parabola through three points.

    ``a < b < c`` and ``fb <= min(fa, fc)``, so the vertex lies in [a, c];
    ``b`` where the three are collinear.
    """
    p = (b - a) * (fb - fc)
    q = (b - c) * (fb - fa)
    den = 2.0 * (p - q)
    if not den != 0.0:
        return b
    v = b - ((b - a) * p - (b - c) * q) / den
    return min(max(v, a), c)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _refine(tr, y, w, bidx, nb, f, chi2_f, rank_f, delta, n_harm, band_terms, work):
    """(frequency, nested chi2, ranks) of the lowest chi2 found near ``f``.

    Successive parabolic interpolation on the chi2 of ``n_harm`` harmonics
    (``chi2_f``, ``rank_f``: the fit at ``f``, from the candidate's score):
    the parabola through ``f - delta, f, f + delta`` (where the lowest of
    them is an end, a step of ``delta`` further downhill instead), then the
    parabola through the lowest point so far and its two neighbours. Three
    fits; the point returned moves at most ``2 delta`` from ``f``.
    """
    xs = np.empty(5)
    cs = np.empty(5)
    best_x, best_chi2, best_rank = f, chi2_f, rank_f
    xs[1], cs[1] = f, chi2_f[n_harm]
    for i in range(0, 3, 2):
        xs[i] = f + (i - 1) * delta
        chi2, rank = fit_at(tr, y, w, bidx, nb, xs[i], n_harm, band_terms, work)
        cs[i] = chi2[n_harm]
        if cs[i] < best_chi2[n_harm]:
            best_x, best_chi2, best_rank = xs[i], chi2, rank
    n = 3
    for step in range(2):
        j = 0
        for i in range(1, n):
            if cs[i] < cs[j]:
                j = i
        if j == 0 or j == n - 1:
            if step == 1:
                break
            x = xs[j] + (-delta if j == 0 else delta)
        else:
            x = _vertex(xs[j - 1], cs[j - 1], xs[j], cs[j], xs[j + 1], cs[j + 1])
        chi2, rank = fit_at(tr, y, w, bidx, nb, x, n_harm, band_terms, work)
        if chi2[n_harm] < best_chi2[n_harm]:
            best_x, best_chi2, best_rank = x, chi2, rank
        i = n  # insert (x, chi2) keeping xs sorted
        while i > 0 and xs[i - 1] > x:
            xs[i], cs[i] = xs[i - 1], cs[i - 1]
            i -= 1
        xs[i], cs[i] = x, chi2[n_harm]
        n += 1
    return best_x, best_chi2, best_rank


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _candidates(peaks, fmin, fmax, df):
    """Candidate frequencies (and their origin: 0 = the raw top peak)."""
    cand = np.empty(5 * peaks.shape[0])
    origin = np.empty(5 * peaks.shape[0], dtype=np.int64)
    n = 0
    for j in range(peaks.shape[0]):
        f = peaks[j]
        if not f > 0:
            continue
        for v in range(5):
            c = (f, f + 1.0, f - 1.0, 0.5 * f, 2.0 * f)[v]
            if not (c >= fmin - 0.5 * df and c <= fmax + 0.5 * df and c > 0):
                continue
            dup = False
            for q in range(n):
                if abs(cand[q] - c) < 0.5 * df:
                    dup = True
            if dup:
                continue
            cand[n] = c
            origin[n] = 5 * j + v
            n += 1
    return cand[:n], origin[:n]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _n_visits(tr, bidx, nb, gap):
    """Visits: points of different bands less than ``gap`` apart in time.

    Walking the points in time order, a point opens a new visit when it is
    ``gap`` or more after the previous one or when its band is already in
    the current visit, so a visit holds at most one point per band and a
    single band's points (continuous photometry included) are each a visit.
    """
    n = tr.shape[0]
    if n == 0 or nb == 1:
        return n
    order = np.argsort(tr)
    seen = np.zeros(nb, dtype=np.bool_)
    count = 1
    seen[bidx[order[0]]] = True
    for r in range(1, n):
        i = order[r]
        if tr[i] - tr[order[r - 1]] >= gap or seen[bidx[i]]:
            count += 1
            seen[:] = False
        seen[bidx[i]] = True
    return count


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _select(
    tr, y, w, u, bidx, nb, peaks, grid, n_harm, band_terms, scorer, margin, work, gap
):
    """(frequency, h, is_alias) of the best candidate; NaN frequency if none."""
    n_eff = _n_visits(tr, bidx, nb, gap)
    fmin, fmax, df = grid
    cand, origin = _candidates(peaks, fmin, fmax, df)
    nc = cand.shape[0]
    if nc == 0:
        return np.nan, 0, np.nan
    score = np.empty(nc)
    n_cols = n_harm + 1
    chi2s = np.empty((nc, n_cols))
    ranks = np.zeros((nc, n_cols), dtype=np.int64)
    counts = np.empty(N_PHASE * (N_MAG + 1), dtype=np.int64)
    n = tr.shape[0]
    for c in range(nc):
        if scorer == 1:
            score[c] = conditional_entropy(tr, u, cand[c], N_PHASE, N_MAG, counts)
        else:
            chi2, rank = fit_at(tr, y, w, bidx, nb, cand[c], n_harm, band_terms, work)
            chi2s[c], ranks[c] = chi2, rank
            score[c] = _bic_of(chi2, rank, n, n_eff)[0]
    order = np.argsort(score)
    n_ref = 1 if scorer == 1 else min(_N_REFINE, nc)
    best_f, best_h, best_b, best_o = np.nan, 0, np.inf, -1
    top_f, top_h, top_b = np.nan, 0, np.inf
    for r in range(nc):
        c = order[r]
        if r >= n_ref and origin[c] != 0:
            continue
        if not np.isfinite(score[c]):
            continue
        if scorer == 1:
            chi2s[c], ranks[c] = fit_at(
                tr, y, w, bidx, nb, cand[c], n_harm, band_terms, work
            )
        f, chi2, rank = _refine(
            tr,
            y,
            w,
            bidx,
            nb,
            cand[c],
            chi2s[c],
            ranks[c],
            0.5 * df,
            n_harm,
            band_terms,
            work,
        )
        b, h = _bic_of(chi2, rank, n, n_eff)
        if h > 0 and origin[c] == 0:
            top_f, top_h, top_b = f, h, b
        if h > 0 and r < n_ref and b < best_b:
            best_f, best_h, best_b, best_o = f, h, b, origin[c]
    # the raw top peak stays unless the winner's BIC is lower by the margin
    if top_h > 0 and (scorer == 0 and best_b > top_b - margin or best_h == 0):
        return top_f, top_h, 0.0
    if best_h == 0:
        return np.nan, 0, np.nan
    return best_f, best_h, 0.0 if best_o == 0 else 1.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _report(tr, y, w, bidx, nb, f, h, band_terms, work, res, out):
    """Fit at ``f``; write (f, amplitude, chi2 reduction) and the residual."""
    chi2, _ = fit_at(tr, y, w, bidx, nb, f, h, band_terms, work)
    beta = coefficients(work, n_columns(nb, h, band_terms))
    out[0] = f
    out[2] = (chi2[0] - chi2[h]) / chi2[0] if chi2[0] > 0 else np.nan
    amp = 0.0
    npts = 0
    for b in range(nb):
        nb_pts = 0
        for i in range(tr.shape[0]):
            if bidx[i] == b:
                nb_pts += 1
        if nb_pts == 0:
            continue
        lo, hi = np.inf, -np.inf
        for s in range(64):
            sn, cs = sincos_cycles(s / 64.0)
            v = model_value(cs, sn, b, beta, nb, h, band_terms, work)
            lo, hi = min(lo, v), max(hi, v)
        amp += nb_pts * 0.5 * (hi - lo)
        npts += nb_pts
    out[1] = amp / npts
    cs, sn = work[7], work[8]
    trig(tr, f, cs, sn)
    for i in range(tr.shape[0]):
        res[i] = y[i] - model_value(
            cs[i], sn[i], bidx[i], beta, nb, h, band_terms, work
        )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _prepare(t, m, err, seg, o, bands, t0, tr, y, w, u, bidx):
    """Centred data of the bands ``bands`` of object o; returns the count."""
    n = 0
    for q in range(bands.shape[0]):
        s = bands[q]
        a, b = seg[s], seg[s + 1]
        # magnitudes relative to the band's first one before the weighted
        # mean: a constant offset of the band then changes no bit of y
        # (where the differences are exact), so no choice below turns on
        # its roundoff
        ref = m[a] if b > a else 0.0
        wsum, wm = 0.0, 0.0
        lo, hi = np.inf, -np.inf
        for i in range(a, b):
            wi = 1.0 / (err[i] * err[i])
            wsum += wi
            wm += wi * (m[i] - ref)
            lo, hi = min(lo, m[i]), max(hi, m[i])
        wm /= wsum
        span = hi - lo if hi > lo else 1.0
        for i in range(a, b):
            tr[n] = t[i] - t0
            y[n] = (m[i] - ref) - wm
            w[n] = 1.0 / (err[i] * err[i])
            u[n] = (m[i] - lo) / span
            bidx[n] = q
            n += 1
    return n


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _rerank_kernel(
    t, m, err, seg, n_bands, band_peaks, mb_peaks, grids, settings, out_b, out_m, res
):
    n_harm, band_terms, scorer, min_points, margin, gap = settings
    for o in range(mb_peaks.shape[0]):
        if not grids.k1[o] >= grids.k0[o]:
            continue
        df = grids.df[o]
        grid = (grids.k0[o] * df, grids.k1[o] * df, df)
        a_obj = seg[o * n_bands]
        npts = seg[(o + 1) * n_bands] - a_obj
        tr, y, w, u = np.empty(npts), np.empty(npts), np.empty(npts), np.empty(npts)
        bidx = np.empty(npts, dtype=np.int64)
        rr = np.empty(npts)
        one = new_work(1, n_harm, 0, npts)
        ok = np.zeros(n_bands, dtype=np.int64)
        n_ok = 0
        for bnd in range(n_bands):
            s = o * n_bands + bnd
            if seg[s + 1] - seg[s] < min_points:
                continue
            ok[n_ok] = s
            n_ok += 1
            sel = np.array([s])
            n = _prepare(t, m, err, seg, o, sel, grids.t0[o], tr, y, w, u, bidx)
            f, h, alias = _select(
                tr[:n],
                y[:n],
                w[:n],
                u[:n],
                bidx[:n],
                1,
                band_peaks[s],
                grid,
                n_harm,
                0,
                scorer,
                margin,
                one,
                gap,
            )
            if h == 0:
                continue
            _report(tr[:n], y[:n], w[:n], bidx[:n], 1, f, h, 0, one, rr, out_b[s])
            out_b[s, 3] = alias
            for i in range(n):
                res[seg[s] + i] = rr[i]
        if n_bands == 1 or n_ok == 0:
            continue
        work = new_work(n_ok, n_harm, band_terms, npts)
        n = _prepare(t, m, err, seg, o, ok[:n_ok], grids.t0[o], tr, y, w, u, bidx)
        f, h, alias = _select(
            tr[:n],
            y[:n],
            w[:n],
            u[:n],
            bidx[:n],
            n_ok,
            mb_peaks[o],
            grid,
            n_harm,
            band_terms,
            scorer,
            margin,
            work,
            gap,
        )
        if h == 0:
            continue
        _report(
            tr[:n], y[:n], w[:n], bidx[:n], n_ok, f, h, band_terms, work, rr, out_m[o]
        )
        out_m[o, 3] = alias


def rerank(
    batch,
    band_freq,
    mb_freq,
    *,
    n_harmonics,
    band_terms,
    scorer,
    min_points,
    min_period,
    max_period,
    oversampling,
):
    """Best candidate of each band and of each object, and the band residuals.

    ``band_freq`` (n_segments, K) and ``mb_freq`` (n_objects, K): the raw
    peak frequencies (NaN for none). Returns ``(per_band, multiband,
    residual)``: arrays (n_segments, 4) and (n_objects, 4) of frequency,
    amplitude, chi-square reduction, not-the-top-peak flag (NaN where no
    fit), and each point's magnitude minus its band's best model (NaN where
    the band has none).
    """
    out_b = np.full((batch.n_segments, N_OUT), np.nan)
    out_m = np.full((batch.n_objects, N_OUT), np.nan)
    res = np.full(batch.t.shape[0], np.nan)
    grids = batch_grids(
        batch,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling,
        min_points=3,
    )
    settings = (
        int(n_harmonics),
        int(band_terms),
        SCORERS.index(scorer),
        int(min_points),
        float(BIC_MARGIN),
        float(VISIT_GAP),
    )
    _rerank_kernel(
        batch.t,
        batch.m,
        batch.err,
        batch.offsets,
        batch.n_bands,
        np.ascontiguousarray(band_freq, dtype=float),
        np.ascontiguousarray(mb_freq, dtype=float),
        grids,
        settings,
        out_b,
        out_m,
        res,
    )
    return out_b, out_m, res
