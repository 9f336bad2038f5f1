"""Lomb-Scargle periodogram peaks of each band, and the multi-band period.

``period_0`` is the highest peak of each band's periodogram; with
``n_peaks > 1``, ``period_1, period_2, ...`` are the highest peaks of the
periodogram of the band's residual after its best model (``period_best``,
:mod:`.rerank`) is subtracted (prewhitening), so that they are other
signals, not aliases of the first. The multi-band periods
(``period_multiband_*``) and the re-ranked best periods are passed on under
names starting with ``_`` to the multi-band columns and the ``rerank``
family.
"""

from __future__ import annotations

import numpy as np

from .._family import Family, FeatureSpec
from .rerank import FAMILY as RERANK
from .rerank import RESIDUAL_OVERSAMPLING, best_period_values
from .spectrum import LABELS as SPECTRUM_LABELS

#: Window sums (three float64 per band and coarse frequency) kept from the
#: main pass for the residual's periodogram, at most this many per group of
#: objects (24 MiB): objects are computed in groups that fit.
WINDOW_CELLS = 1 << 20


def _secondary(n_peaks):
    """Names of the prewhitened peaks' features (``period_1``, ...)."""
    return {f"period_{j}{s}" for j in range(1, n_peaks) for s in ("", "_power", "_snr")}


def _compute(batch, names, values, **params):
    """The family's values; with secondary periods, by groups of objects.

    The residual's periodogram (``period_1, ...``) reads the window sums
    (weights only) that the main pass keeps on its coarser grid, so it
    transforms the residual alone (one FFT per band instead of three) when
    the main grid's step is a whole fraction of the residual's; the sums
    are kept for a group of objects at a time (:data:`WINDOW_CELLS`).
    """
    step = params["oversampling"] / RESIDUAL_OVERSAMPLING
    secondary = _secondary(params["n_peaks"])
    if not set(names) & secondary or step != round(step) or step < 1:
        return _compute_group(batch, names, None, **params)
    from ..periodogram import coarse_grids, keep_window

    grid = {
        "step": int(step),
        "min_period": params["min_period"],
        "max_period": params["max_period"],
        "oversampling": params["oversampling"],
    }
    coarse = coarse_grids(batch, **grid)
    cells = batch.n_bands * np.maximum(coarse.k1 - coarse.k0 + 1, 0)
    group = (np.cumsum(cells) - 1) // WINDOW_CELLS
    bounds = [0, *(np.flatnonzero(np.diff(group)) + 1), batch.n_objects]
    parts = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        sub = batch if hi - lo == batch.n_objects else batch.objects(lo, hi)
        parts.append(_compute_group(sub, names, keep_window(sub, **grid), **params))
    if len(parts) == 1:
        return parts[0]
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


def _compute_group(
    batch,
    names,
    window,
    *,
    n_peaks,
    min_period,
    max_period,
    oversampling,
    n_candidates,
    n_harmonics,
    period_scorer,
):
    from ..periodogram import USE, periodogram_peaks, periodogram_scan

    grid = {"min_period": min_period, "max_period": max_period}
    n_raw = max(n_peaks, n_candidates)
    peaks, spectrum = periodogram_scan(
        batch, n_peaks=n_raw, oversampling=oversampling, window=window, **grid
    )
    out = {}
    for j in range(n_peaks):
        out[f"period_{j}"] = peaks.period[:, j]
        out[f"period_{j}_power"] = peaks.power[:, j]
        out[f"period_{j}_snr"] = peaks.snr[:, j]
    out["period_0_fap"] = peaks.fap
    for j in range(n_peaks):
        out[f"_period_multiband_{j}"] = peaks.multiband_period[:, j]
        out[f"_period_multiband_{j}_power"] = peaks.multiband_power[:, j]
    # the spectrum's shape per decade, for the spectrum family
    for d, label in enumerate(SPECTRUM_LABELS):
        out[f"_spectrum_power_{label}"] = spectrum.power[:, d]
        out[f"_spectrum_snr_{label}"] = spectrum.snr[:, d]
    wanted = set(names)
    secondary = _secondary(n_peaks)
    best = {s.name for s in RERANK.features} | {"period_multiband_best"}
    if not wanted & (secondary | best):
        return out
    best_values, residual = best_period_values(
        batch,
        peaks,
        n_candidates=n_candidates,
        n_harmonics=n_harmonics,
        period_scorer=period_scorer,
        oversampling=oversampling,
        **grid,
    )
    out.update(best_values)
    if n_peaks > 1 and wanted & secondary:
        res = periodogram_peaks(
            residual,
            n_peaks=n_peaks - 1,
            oversampling=RESIDUAL_OVERSAMPLING,
            window=None if window is None else window._replace(mode=USE),
            **grid,
        )
        # no best model (too few points): no residual, no secondary period
        none = np.isnan(best_values["_period_best"])
        for j in range(1, n_peaks):
            for key, arr in (
                ("", res.period),
                ("_power", res.power),
                ("_snr", res.snr),
            ):
                col = arr[:, j - 1].copy()
                col[none] = np.nan
                out[f"period_{j}{key}"] = col
    return out


FAMILY = Family(
    name="periodogram",
    peak_features=(
        FeatureSpec(
            "period_{j}",
            "period of the {ordinal} highest Lomb-Scargle peak"
            " (floating mean, 1/err^2 weights); from the 2nd on, peaks of the"
            " periodogram of the residual after the best model (period_best)"
            " is subtracted, on a grid of 1 point per peak width (prewhitening)",
            3,
        ),
        FeatureSpec(
            "period_{j}_power",
            "normalised power (astropy 'standard', in [0, 1]) of peak {j}"
            " (from the 2nd on, in the residual's periodogram)",
            3,
        ),
        FeatureSpec(
            "period_{j}_snr",
            "(power of peak {j} - mean power) / std of the power over the grid"
            " (as light-curve; from the 2nd on, of the residual's periodogram)",
            3,
        ),
    ),
    features=(
        FeatureSpec(
            "period_0_fap",
            "false-alarm probability of peak 0, Baluev (2008) upper bound",
            5,
        ),
    ),
    params=(
        "n_peaks",
        "min_period",
        "max_period",
        "oversampling",
        "n_candidates",
        "n_harmonics",
        "period_scorer",
    ),
    compute=_compute,
)
