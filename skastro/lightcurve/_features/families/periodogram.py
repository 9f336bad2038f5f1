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


def _compute(
    batch,
    names,
    values,
    *,
    n_peaks,
    min_period,
    max_period,
    oversampling,
    n_candidates,
    n_harmonics,
    period_scorer,
):
    from ..periodogram import periodogram_peaks, periodogram_scan

    grid = {"min_period": min_period, "max_period": max_period}
    n_raw = max(n_peaks, n_candidates)
    peaks, spectrum = periodogram_scan(
        batch, n_peaks=n_raw, oversampling=oversampling, **grid
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
    secondary = {
        f"period_{j}{s}" for j in range(1, n_peaks) for s in ("", "_power", "_snr")
    }
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
