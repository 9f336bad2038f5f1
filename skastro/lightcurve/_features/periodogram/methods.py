"""The periodogram's methods, and the batch entry that picks one per object."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..families.periodogram import FAMILY
from .direct import direct_cost, direct_peaks
from .nufft import KEEP, USE, fft_cost, fft_peaks, new_window
from .peaks import empty_peaks, empty_spectrum
from .setup import MinPoints, batch_grids


class Method(NamedTuple):
    """One evaluation of the periodogram sums.

    Attributes
    ----------
    peaks : callable
        ``peaks(batch, objs, grid, min_points, out, spec)`` writes the peaks
        of the objects ``objs`` to ``out`` and the shape of their spectrum
        (per decade of period) to ``spec``.
    cost : callable
        ``cost(n_points, n_freqs, k1, n_bands)``: cost per object (arrays), in a unit
        shared by the methods; ``method="auto"`` takes the cheapest.
    exact : bool
        Whether the powers are exact to rounding (the reference of the
        others in the tests).
    """

    peaks: object
    cost: object
    exact: bool


METHODS = {
    "direct": Method(direct_peaks, direct_cost, exact=True),
    "fft": Method(fft_peaks, fft_cost, exact=False),
}


def periodogram_peaks(batch, **kwargs):
    """Peaks of every (object, band) segment and the multi-band peaks.

    :func:`periodogram_scan` without the spectrum's shape; the same keyword
    arguments.
    """
    return periodogram_scan(batch, **kwargs)[0]


def periodogram_scan(
    batch,
    *,
    n_peaks,
    min_period,
    max_period,
    oversampling,
    method="auto",
    grid=None,
    window=None,
):
    """Peaks of every segment, the multi-band peaks and the spectrum's shape.

    ``method``: a key of :data:`METHODS` ("direct": exact sums, cost ~
    n_points x n_frequencies; "fft": non-uniform FFT with an
    exponential-of-semicircle kernel, cost ~ n_fft log n_fft) or "auto"
    (the cheapest for each object by the methods' cost models, calibrated
    by timing both; ties go to the first). ``grid = (df, k0,
    k1)`` imposes the frequencies ``k df, k0 <= k <= k1`` on every object.

    Returns ``(peaks, spectrum)``: a :data:`~.peaks.PeriodogramPeaks` (a
    tuple: period, power, snr, fap per segment, then multi-band period and
    power per object, and the periods of the shared-shape multi-band
    power's peaks, candidates of the re-ranking) and a
    :data:`~.peaks.Spectrum` (highest power and its S/N per segment and
    decade of period, :data:`~.peaks.DECADES`), both from the one walk over
    each object's grid.

    ``window``: a :data:`~.nufft.Window` (see :func:`keep_window`); in KEEP
    mode the objects evaluated by FFT write their window sums on its coarse
    grids, in USE mode the objects that have them are evaluated by one FFT
    each (the weighted data) with those sums, the others as without it.
    """
    if method != "auto" and method not in METHODS:
        raise ValueError(
            f"method={method!r}; expected 'auto' or one of {list(METHODS)}."
        )
    n_bands = batch.n_bands
    out = empty_peaks(batch.n_segments, batch.n_objects, n_peaks)
    spec = empty_spectrum(batch.n_segments)
    min_points = MinPoints(
        FAMILY.min_points("period_{j}"), FAMILY.min_points("period_0_fap")
    )
    grids = batch_grids(
        batch,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling,
        min_points=min_points.peaks,
        fixed=grid,
    )
    active = np.flatnonzero(grids.k1 >= grids.k0)
    if window is not None and window.mode == USE:
        have = window.have[active]
        if have.any():
            fft_peaks(batch, active[have], grids, min_points, out, spec, window)
        active = active[~have]
    if active.shape[0] == 0:
        return out, spec
    if window is not None and window.mode == KEEP:
        # the power loop keeps the coarse indices j with step j on this
        # grid: an object whose coarse grid reaches past it (the grids'
        # rounding at an edge) keeps none and gets the full pass later
        out_of_grid = (window.step * window.k0 < grids.k0) | (
            window.step * window.k1 > grids.k1
        )
        window.k1[out_of_grid] = -1
    if method == "auto":
        seg = batch.offsets
        npts = (seg[(active + 1) * n_bands] - seg[active * n_bands]).astype(float)
        nf = (grids.k1[active] - grids.k0[active] + 1).astype(float)
        costs = [m.cost(npts, nf, grids.k1[active], n_bands) for m in METHODS.values()]
        choice = np.argmin(np.vstack(costs), axis=0)
    else:
        choice = np.full(active.shape[0], list(METHODS).index(method))
    for i, impl in enumerate(METHODS.values()):
        objs = active[choice == i]
        if not objs.shape[0]:
            continue
        if impl.peaks is fft_peaks and window is not None and window.mode == KEEP:
            fft_peaks(batch, objs, grids, min_points, out, spec, window)
        else:
            impl.peaks(batch, objs, grids, min_points, out, spec)
    return out, spec


def coarse_grids(batch, *, step, min_period, max_period, oversampling):
    """The objects' grids at ``oversampling / step`` (a :data:`~.setup.Grid`)."""
    return batch_grids(
        batch,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling / step,
        min_points=FAMILY.min_points("period_{j}"),
    )


def keep_window(batch, *, step, min_period, max_period, oversampling):
    """A :data:`~.nufft.Window` in KEEP mode for a pass at ``oversampling``.

    Its coarse grids are those of ``oversampling / step`` (``step`` a whole
    number; :func:`coarse_grids`): pass it to :func:`periodogram_scan` at
    ``oversampling``, then, with ``mode=USE``, to a scan at ``oversampling
    / step`` of the same times and errors (another magnitude column, such
    as a residual), which then transforms the weighted data alone.
    """
    grid = {"min_period": min_period, "max_period": max_period}
    coarse = coarse_grids(batch, step=step, oversampling=oversampling, **grid)
    return new_window(coarse, step, batch.n_bands)
