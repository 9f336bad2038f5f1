"""skastro.lightcurve.periodogram: the power behind the period features."""

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from skastro.lightcurve import LightCurveFeatures, periodogram
from skastro.plotting import plot_periodogram


def _curve(n=120, seed=0, bands=("g", "r")):
    rng = np.random.RandomState(seed)
    t = np.sort(rng.uniform(0, 40, n))
    band = np.array(bands)[rng.randint(0, len(bands), n)]
    err = rng.uniform(0.01, 0.05, n)
    mag = 15 + 0.3 * np.sin(2 * np.pi * t / 0.61) + np.where(band == "g", 0.2, 0.0)
    return t, mag + rng.normal(0, err), err, band


def test_power_equals_astropy_generalised_lomb_scargle():
    # per band: astropy's floating-mean, 1/err^2 weighted 'standard' power
    t, m, e, b = _curve()
    result = periodogram((t, m, e, b), min_period=0.2)
    for band in ("g", "r"):
        sel = b == band
        expected = LombScargle(t[sel], m[sel], e[sel]).power(result.frequency)
        np.testing.assert_allclose(result.power[band], expected, atol=1e-9)


def test_grid_and_peaks_are_those_of_the_features():
    # the grid is k / (oversampling * span) over [1 / max_period, 1 / min_period]
    # and its highest peak is the features' period (before the parabolic
    # refinement: within one grid step)
    t, m, e, b = _curve()
    lcf = LightCurveFeatures(features=["period_0"], min_period=0.2, max_period=10.0)
    feats = lcf.set_output(transform="pandas").fit_transform([(t, m, e, b)])
    result = lcf.periodogram((t, m, e, b))
    step = 1 / (5.0 * (t.max() - t.min()))
    np.testing.assert_allclose(np.diff(result.frequency), step)
    assert result.frequency[0] >= 1 / 10.0 and result.frequency[-1] <= 1 / 0.2
    for band in ("g", "r"):
        best = result.frequency[np.argmax(result.power[band])]
        assert abs(best - 1 / feats[f"period_0_{band}"].iloc[0]) <= step
    assert result.period[np.argmax(result.power["multiband"])] == pytest.approx(
        0.61, rel=0.01
    )


def test_multiband_power_weighs_bands_by_their_chi2():
    t, m, e, b = _curve()
    result = periodogram((t, m, e, b))
    chi0 = {}
    for band in ("g", "r"):
        sel = b == band
        w = 1 / e[sel] ** 2
        mean = np.average(m[sel], weights=w)
        chi0[band] = np.sum(w * (m[sel] - mean) ** 2)
    expected = sum(chi0[k] * result.power[k] for k in chi0) / sum(chi0.values())
    np.testing.assert_allclose(result.power["multiband"], expected)


def test_the_plot_takes_the_result():
    import matplotlib

    matplotlib.use("Agg")
    result = periodogram(_curve(bands=("g",))[:2])
    ax = plot_periodogram(result)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), result.period)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="2 finite point"):
        periodogram((np.array([0.0, 1.0]), np.array([1.0, 2.0])))
    t = np.linspace(0, 1e9, 50)
    with pytest.raises(ValueError, match="max_frequencies"):
        periodogram((t, np.sin(t)))
