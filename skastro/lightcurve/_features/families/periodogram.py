"""Lomb-Scargle periodogram peaks of each band, and the multi-band period.

The multi-band period (``period_multiband_*``) is one value per object; it is
passed on under names starting with ``_`` to the multi-band columns.
"""

from __future__ import annotations

from .._family import Family, FeatureSpec


def _compute(batch, names, values, *, n_peaks, min_period, max_period, oversampling):
    from ..periodogram import periodogram_peaks

    peaks = periodogram_peaks(
        batch,
        n_peaks=n_peaks,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling,
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
    return out


FAMILY = Family(
    name="periodogram",
    peak_features=(
        FeatureSpec(
            "period_{j}",
            "period of the {ordinal} highest Lomb-Scargle peak"
            " (floating mean, 1/err^2 weights)",
            3,
        ),
        FeatureSpec(
            "period_{j}_power",
            "normalised power (astropy 'standard', in [0, 1]) of peak {j}",
            3,
        ),
        FeatureSpec(
            "period_{j}_snr",
            "(power of peak {j} - mean power) / std of the power over the grid"
            " (as light-curve)",
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
    params=("n_peaks", "min_period", "max_period", "oversampling"),
    compute=_compute,
)
