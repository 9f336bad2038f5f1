"""Sampling features: n_obs, duration, gaps, time mean and spread."""

from __future__ import annotations

from .._family import Family, FeatureSpec


def _compute(batch, names, values):
    from ..kernels import sampling

    return sampling.compute(batch)


FAMILY = Family(
    name="sampling",
    features=(
        FeatureSpec(
            "n_obs", "number of observations N (after dropping non-finite points)", 0
        ),
        FeatureSpec("duration", "time span t_max - t_min", 1),
        FeatureSpec("max_gap", "largest interval between consecutive times", 2),
        FeatureSpec(
            "min_gap", "smallest interval between consecutive times (0 for repeats)", 2
        ),
        FeatureSpec("time_mean", "mean observation time <t>", 1),
        FeatureSpec("time_std", "unbiased (N - 1) standard deviation of the times", 2),
    ),
    compute=_compute,
)
