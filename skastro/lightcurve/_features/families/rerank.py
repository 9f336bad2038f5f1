"""The best period: periodogram candidates re-ranked by a multi-harmonic fit.

Computed by the periodogram family's pass (:mod:`..periodogram.rerank`, the
model and the score) and passed on under names starting with ``_``; this
family outputs the per-band values, the multi-band ones go to the
``period_multiband_best`` group.
"""

from __future__ import annotations

import numpy as np

from .._family import Family, FeatureSpec

#: Points per peak width of the residual's periodogram (the prewhitened
#: secondary periods): one fifth of the default grid's cost.
RESIDUAL_OVERSAMPLING = 1.0
#: Fewest points of a band for a best period (the 1-harmonic model has 3
#: unknowns; 2 more degrees of freedom for its chi-square to mean anything).
MIN_POINTS = 5
#: Outputs of the kernel, in its column order (per band; the multi-band
#: group's names replace ``period_best`` by ``period_multiband_best``).
SUFFIXES = ("", "_amplitude", "_chi2_reduction", "_is_alias")


def best_period_values(
    batch,
    peaks,
    *,
    n_candidates,
    n_harmonics,
    period_scorer,
    min_period,
    max_period,
    oversampling,
):
    """Hidden ``_period_best*`` / ``_period_multiband_best*`` values, residual.

    ``peaks``: the periodogram's :data:`PeriodogramPeaks` (at least
    ``n_candidates`` peaks). The residual is a ``SegmentBatch`` of each
    band's magnitudes minus its best model (the raw magnitudes where the
    band has none).
    """
    from .._batch import SegmentBatch
    from ..periodogram.rerank import rerank

    k = n_candidates
    with np.errstate(divide="ignore", invalid="ignore"):
        band_freq = 1.0 / peaks.period[:, :k]
        mb_freq = 1.0 / np.hstack(
            [peaks.multiband_period[:, :k], peaks.shared_period[:, :k]]
        )
    per_band, multi, res = rerank(
        batch,
        band_freq,
        mb_freq,
        n_harmonics=n_harmonics,
        band_terms=0,
        scorer=period_scorer,
        min_points=MIN_POINTS,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling,
    )
    out = {}
    for prefix, arr in (("_period_best", per_band), ("_period_multiband_best", multi)):
        with np.errstate(divide="ignore"):
            out[prefix] = 1.0 / arr[:, 0]
        for c, suffix in enumerate(SUFFIXES[1:], start=1):
            out[prefix + suffix] = arr[:, c]
    residual = np.where(np.isnan(res), batch.m, res)
    res_batch = SegmentBatch(
        batch.t,
        residual,
        batch.err,
        batch.offsets,
        n_objects=batch.n_objects,
        n_bands=batch.n_bands,
    )
    return out, res_batch


def _compute(batch, names, values):
    return {f"period_best{s}": values[f"_period_best{s}"] for s in SUFFIXES}


MODEL = (
    "weighted least-squares fit of h <= n_harmonics harmonics and an offset"
    " (h by the lowest BIC = V ln(chi2 / N) + n_params ln V, N points in V"
    " visits)"
)

FAMILY = Family(
    name="rerank",
    features=(
        FeatureSpec(
            "period_best",
            "best period among the n_candidates highest peaks, their 1-day"
            " aliases (f +- 1 / d), half and double periods, by period_scorer"
            f" ('harmonic': lowest BIC of a {MODEL}), refined in frequency",
            MIN_POINTS,
        ),
        FeatureSpec(
            "period_best_amplitude",
            "half the peak-to-peak of the best model's periodic part",
            MIN_POINTS,
        ),
        FeatureSpec(
            "period_best_chi2_reduction",
            "(chi2_0 - chi2) / chi2_0 of the best model, chi2_0 about the"
            " weighted mean",
            MIN_POINTS,
        ),
        FeatureSpec(
            "period_best_is_alias",
            "1 if period_best is not (a refinement of) the highest peak"
            " period_0, else 0",
            MIN_POINTS,
        ),
    ),
    requires=("periodogram",),
    compute=_compute,
)
