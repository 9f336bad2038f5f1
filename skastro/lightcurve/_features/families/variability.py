"""Variability and trend features: eta, Stetson K, slopes, linear fits, runs."""

from __future__ import annotations

from .._family import Family, FeatureSpec


def _compute(batch, names, values):
    from ..kernels import variability

    return variability.compute(batch, steps=FAMILY.steps(names))


FAMILY = Family(
    name="variability",
    features=(
        FeatureSpec(
            "eta", "von Neumann ratio sum((m_{i+1} - m_i)^2) / ((N - 1) sigma_m^2)", 2
        ),
        FeatureSpec(
            "eta_e",
            "time-weighted von Neumann ratio (t_max - t_min)^2 / (N - 1)^3"
            " sum(((m_{i+1} - m_i)/(t_{i+1} - t_i))^2) / sigma_m^2 (as light-curve;"
            " pairs with equal times skipped)",
            2,
        ),
        FeatureSpec(
            "stetson_k",
            "Stetson K = sum(|m - m_bar| / err) / sqrt(N chi2), chi2 about the"
            " weighted mean (1/err^2 weights, as light-curve)",
            2,
        ),
        FeatureSpec(
            "max_slope",
            "largest |m_{i+1} - m_i| / (t_{i+1} - t_i) (pairs with equal times"
            " skipped)",
            2,
        ),
        FeatureSpec(
            "cusum",
            "range of the cumulative sums of (m - <m>) / (N sigma_m) (FATS Rcs)",
            2,
            step="cusum",
        ),
        FeatureSpec(
            "linear_trend",
            "ordinary least-squares slope of m against t",
            3,
            step="trend",
        ),
        FeatureSpec(
            "linear_trend_sigma",
            "standard error of the OLS slope (N - 2 dof)",
            3,
            step="trend",
        ),
        FeatureSpec(
            "linear_trend_noise",
            "rms scatter about the OLS line (N - 2 dof)",
            3,
            step="trend",
        ),
        FeatureSpec(
            "linear_fit_slope",
            "weighted (1/err^2) least-squares slope of m against t",
            3,
            step="fit",
        ),
        FeatureSpec(
            "linear_fit_slope_sigma",
            "standard error of the weighted slope from the errors",
            3,
            step="fit",
        ),
        FeatureSpec(
            "linear_fit_reduced_chi2",
            "sum(((m - line) / err)^2) / (N - 2) about the weighted line",
            3,
            step="fit",
        ),
        FeatureSpec(
            "con",
            "fraction of the N - 2 runs of 3 consecutive points all beyond <m> +/- 2"
            " sigma_m (unbiased; FATS Con uses the biased sigma)",
            3,
            step="con",
        ),
        FeatureSpec(
            "autocor_length",
            "first lag k (in points) where the biased autocorrelation of m drops below"
            " exp(-1) (FATS Autocor_length; N when it never does)",
            2,
            step="autocorrelation",
        ),
    ),
    compute=_compute,
)
