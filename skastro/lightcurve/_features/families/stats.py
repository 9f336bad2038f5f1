"""Magnitude-distribution features (location, spread, shape, percentiles)."""

from __future__ import annotations

from .._family import Family, FeatureSpec


def _compute(batch, names, values):
    from ..kernels import stats

    return stats.compute(batch, need_ad="anderson_darling" in FAMILY.steps(names))


FAMILY = Family(
    name="stats",
    features=(
        FeatureSpec("mean", "plain mean <m> of the magnitudes", 1, location=True),
        FeatureSpec(
            "weighted_mean",
            "weighted mean m_bar = sum(w m) / sum(w), w = 1/err^2",
            1,
            location=True,
        ),
        FeatureSpec("median", "median of the magnitudes", 1, location=True),
        FeatureSpec("std", "unbiased (N - 1) standard deviation sigma_m", 2),
        FeatureSpec(
            "skew",
            "adjusted Fisher-Pearson skewness G1 = N/((N-1)(N-2)) sum((m-<m>)^3) /"
            " sigma_m^3 (unbiased sigma_m)",
            3,
        ),
        FeatureSpec(
            "kurtosis",
            "unbiased excess kurtosis G2 (the sample estimator of the population"
            " excess kurtosis, as light-curve and FATS SmallKurtosis)",
            4,
        ),
        FeatureSpec("amplitude", "half peak-to-peak (max(m) - min(m)) / 2", 1),
        FeatureSpec(
            "percent_amplitude", "largest |m - median(m)| (magnitudes, not relative)", 1
        ),
        FeatureSpec(
            "median_abs_dev", "median of |m - median(m)| (biased, no 1.4826 factor)", 1
        ),
        FeatureSpec("iqr", "interquartile range Q(0.75) - Q(0.25), hazen quantiles", 1),
        FeatureSpec(
            "beyond_1std", "fraction of points with |m - <m>| > sigma_m (unbiased)", 2
        ),
        FeatureSpec(
            "median_buffer_range_percentage",
            "fraction of points with |m - median(m)| < 0.1 (max(m) - min(m)) / 2",
            1,
        ),
        FeatureSpec(
            "flux_percentile_ratio_mid20",
            "(Q(0.60) - Q(0.40)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
            1,
        ),
        FeatureSpec(
            "flux_percentile_ratio_mid35",
            "(Q(0.675) - Q(0.325)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen"
            " quantiles",
            1,
        ),
        FeatureSpec(
            "flux_percentile_ratio_mid50",
            "(Q(0.75) - Q(0.25)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
            1,
        ),
        FeatureSpec(
            "flux_percentile_ratio_mid65",
            "(Q(0.825) - Q(0.175)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen"
            " quantiles",
            1,
        ),
        FeatureSpec(
            "flux_percentile_ratio_mid80",
            "(Q(0.90) - Q(0.10)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
            1,
        ),
        FeatureSpec(
            "percent_difference_mag_percentile",
            "(Q(0.95) - Q(0.05)) / median(m) on magnitudes (scale by location)",
            1,
            location=True,
        ),
        FeatureSpec(
            "anderson_darling",
            "Anderson-Darling normality statistic A^2 with the small-sample factor (1"
            " + 4/N - 25/N^2), unbiased sigma_m (no FATS logistic squashing)",
            4,
            step="anderson_darling",
        ),
        FeatureSpec(
            "excess_variance",
            "(sigma_m^2 - mean(err^2)) / <m>^2 (light-curve's normalisation)",
            2,
            location=True,
        ),
        FeatureSpec(
            "reduced_chi2",
            "sum(((m - m_bar) / err)^2) / (N - 1) about the weighted mean",
            2,
        ),
        FeatureSpec(
            "mean_variance",
            "sigma_m / <m> (unbiased sigma_m; FATS Meanvariance)",
            2,
            location=True,
        ),
    ),
    compute=_compute,
)
