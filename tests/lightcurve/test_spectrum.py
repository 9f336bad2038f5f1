"""The power spectrum's shape per decade of period against brute force.

The spectrum family reports, per decade of period, the highest
Lomb-Scargle power on the object's grid and its S/N over the decade's
frequencies; it is gathered by the periodogram's own walk over the grid,
so every method of METHODS is checked against astropy's power on the same
grid, reduced with numpy.
"""

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from skastro.lightcurve import LightCurveFeatures, feature_definitions
from skastro.lightcurve._features._batch import SegmentBatch
from skastro.lightcurve._features.families.spectrum import DECADES, LABELS
from skastro.lightcurve._features.periodogram import METHODS, periodogram_scan

# the FFT's power is within ~1e-6 of exact; the S/N divides by a std
RTOL = {"direct": (1e-9, 1e-8), "fft": (1e-5, 1e-4)}


def _curves(seed, n_objects=4, n=50):
    rng = np.random.default_rng(seed)
    curves = []
    for _ in range(n_objects):
        span = rng.uniform(1200, 2500)
        t = np.sort(rng.uniform(0, span, n))
        p = np.exp(rng.uniform(np.log(0.06), np.log(300)))
        e = rng.uniform(0.02, 0.2, n)
        m = 15 + 0.3 * np.sin(2 * np.pi * t / p) + 0.002 * t / span
        curves.append(np.column_stack([t, m + rng.normal(0, 1, n) * e, e]))
    return curves


def _batch(curves):
    t, m, e = (np.concatenate([c[:, j] for c in curves]) for j in range(3))
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in curves])])
    return SegmentBatch(t, m, e, offsets, n_objects=len(curves), n_bands=1)


def _brute_force(curve, min_period, max_period, oversampling):
    """Highest power and S/N per decade from astropy's power on the grid."""
    t, m, e = curve.T
    df = 1.0 / (oversampling * (t[-1] - t[0]))
    k0 = 1 if max_period is None else int(np.ceil(1.0 / (max_period * df) - 1e-9))
    k1 = int(np.floor(1.0 / (min_period * df) + 1e-9))
    freq = np.arange(k0, k1 + 1) * df
    power = LombScargle(t, m, e).power(freq, method="cython")
    period = 1.0 / freq
    top = np.full(len(DECADES), np.nan)
    snr = np.full(len(DECADES), np.nan)
    for d, (lo, hi) in enumerate(DECADES):
        inside = (period >= (lo or 0.0)) & (period < (hi or np.inf))
        if inside.any():
            p = power[inside]
            top[d] = p.max()
            if p.std() > 0:
                snr[d] = (p.max() - p.mean()) / p.std()
    return top, snr


def test_every_method_has_a_tolerance():
    # a new method of METHODS is checked here once it states its tolerance
    assert set(RTOL) == set(METHODS)


@pytest.mark.parametrize("method", list(METHODS))
def test_highest_power_and_snr_per_decade_match_brute_force(method):
    # each method's spectrum shape equals astropy's power on the same grid,
    # reduced per decade with numpy; the grids (0.08 d to 5x the span of
    # 1200-2500 d) reach every decade, the shortest and longest in part
    curves = _curves(0)
    kwargs = dict(n_peaks=1, min_period=0.08, max_period=None, oversampling=3.0)
    _, spectrum = periodogram_scan(_batch(curves), method=method, **kwargs)
    rtol_power, rtol_snr = RTOL[method]
    for i, curve in enumerate(curves):
        top, snr = _brute_force(curve, 0.08, None, 3.0)
        assert np.isfinite(top).all()
        np.testing.assert_allclose(spectrum.power[i], top, rtol=rtol_power)
        np.testing.assert_allclose(spectrum.snr[i], snr, rtol=rtol_snr)


def test_decades_outside_the_grid_give_fill_value():
    # periods from 1 to 50 d reach two decades; the other four are
    # fill_value, the two reached match brute force
    curves = _curves(1, n_objects=3)
    lcf = LightCurveFeatures(
        features=[
            f"spectrum_{k}_{label}" for label in LABELS for k in ("power", "snr")
        ],
        min_period=1.0,
        max_period=50.0,
        fill_value=-9.0,
    )
    X = lcf.fit_transform(curves)
    names = lcf.get_feature_names_out().tolist()
    assert names == [
        f"spectrum_{k}_{label}" for label in LABELS for k in ("power", "snr")
    ]
    for row, curve in zip(X, curves):
        top, snr = _brute_force(curve, 1.0, 50.0, 5.0)
        reached = np.isfinite(top)
        assert [LABELS[d] for d in np.flatnonzero(reached)] == ["1_10d", "10_100d"]
        np.testing.assert_allclose(row[0::2][reached], top[reached], rtol=1e-5)
        np.testing.assert_allclose(row[1::2][reached], snr[reached], rtol=1e-4)
        assert (row[0::2][~reached] == -9.0).all()
        assert (row[1::2][~reached] == -9.0).all()


def test_spectrum_is_in_all_not_in_fast_and_a_band_without_points_is_filled():
    # "all" outputs the twelve spectrum columns per band, "fast" none; a
    # band with no points (and one with two, under min_points) gives
    # fill_value without error, the other band its values
    defs = feature_definitions()
    assert [n for n in defs if n.startswith("spectrum_")] == [
        f"spectrum_{k}_{label}" for label in LABELS for k in ("power", "snr")
    ]
    assert not [n for n in feature_definitions("fast") if n.startswith("spectrum_")]
    rng = np.random.default_rng(2)
    t = np.sort(rng.uniform(0, 300, 60))
    g = np.column_stack([t, 15 + np.sin(2 * np.pi * t / 0.7), np.full(60, 0.05)])
    curves = [
        {"time": t, "mag": g[:, 1], "err": g[:, 2], "band": np.full(60, "g")},
        {
            "time": np.r_[t, 1.0, 2.0],
            "mag": np.r_[g[:, 1], 15.0, 15.2],
            "err": np.r_[g[:, 2], 0.1, 0.1],
            "band": np.array(["g"] * 60 + ["r", "r"]),
        },
    ]
    names = [f"spectrum_power_{label}" for label in LABELS]
    lcf = LightCurveFeatures(features=names, bands=["g", "r"], fill_value=-1.0)
    X = lcf.fit_transform(curves)
    out = dict(zip(lcf.get_feature_names_out(), X.T))
    for label in LABELS[1:5]:
        assert (out[f"spectrum_power_{label}_g"] > 0).all()
        assert (out[f"spectrum_power_{label}_r"] == -1.0).all()
    # the 0.7 d signal makes the under-1 d decade the highest of the g band
    top = np.argmax([out[f"spectrum_power_{label}_g"][0] for label in LABELS])
    assert LABELS[top] == "lt1d"
