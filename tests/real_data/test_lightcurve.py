"""Goal tests on real light curves: the 810 ASAS variables, ZTF supernovae.

LightCurveFeatures computes finite features for every ASAS light curve that
agree with light-curve's, finds periods in each class's textbook range, and
turns the ZTF long table into per-band features and colours that match the
table's own counts and extremes.
"""

import light_curve as lc
import numpy as np
import pandas as pd
import pytest

from skastro.lightcurve import LightCurveFeatures, from_long_table


def test_asas_all_810_light_curves(require_data):
    from skastro.datasets import fetch_asas_lightcurves

    home = require_data("asas_training")
    asas = fetch_asas_lightcurves(data_home=home)
    lcf = LightCurveFeatures(features="fast").set_output(transform="pandas")
    X = lcf.fit_transform(asas.data)
    assert X.shape == (810, 41)
    assert np.isfinite(X.to_numpy()).all()
    assert X["n_obs"].tolist() == [len(c) for c in asas.data]
    # parity with light-curve on real data, a few definitions (see
    # tests/lightcurve/test_features.py for the full list and tolerances)
    ex = lc.Extractor(lc.StandardDeviation(), lc.StetsonK(), lc.Eta(), lc.Skew())
    for i in range(0, 810, 27):
        t, m, e = (np.ascontiguousarray(v) for v in asas.data[i].T)
        order = np.argsort(t, kind="stable")
        expected = ex(t[order], m[order], e[order])
        got = X.loc[i, ["std", "stetson_k", "eta", "skew"]].to_numpy(float)
        np.testing.assert_allclose(got, expected, rtol=1e-8)


def test_asas_periods_by_class(require_data):
    """Periods fall in each class's textbook range (independent of the code)."""
    from skastro.datasets import fetch_asas_lightcurves

    home = require_data("asas_training")
    asas = fetch_asas_lightcurves(data_home=home)
    names = asas.target_names[asas.target]
    ranges = {"RR_Lyrae_FM": (0.35, 1.0), "Classical_Cepheid": (1.0, 100.0)}
    lcf = LightCurveFeatures(
        features=["period_0"], n_peaks=1, min_period=0.2, max_period=500, oversampling=3
    )
    for cls, (lo, hi) in ranges.items():
        idx = np.flatnonzero(names == cls)[:25]
        period = lcf.fit_transform([asas.data[i] for i in idx])[:, 0]
        inside = (period > lo) & (period < hi)
        assert inside.mean() >= 0.8, (cls, np.round(period, 3))


def test_ztf_sne_long_table(require_data):
    from skastro.datasets import fetch_ztf_sne

    home = require_data("alerce_ztf_30sne")
    sne = fetch_ztf_sne(data_home=home, as_frame=True)
    frame = sne.frame
    seq = from_long_table(
        frame, id="id", time="time", mag="mag", err="err", band="band"
    )
    assert len(seq) == 30
    lcf = LightCurveFeatures(min_period=0.5, n_peaks=1).set_output(transform="pandas")
    X = lcf.fit_transform(seq)
    assert lcf.bands_.tolist() == ["g", "r"]
    assert X.shape[0] == 30
    counts = frame.groupby(["id", "band"]).size().unstack(fill_value=0).loc[seq.ids]
    np.testing.assert_array_equal(X["n_obs_g"], counts["g"])
    np.testing.assert_array_equal(X["n_obs_r"], counts["r"])
    peak = frame.groupby(["id", "band"])["mag"].min().unstack().loc[seq.ids]
    expected = (peak["g"] - peak["r"]).to_numpy()
    np.testing.assert_allclose(X["color_g_r_max"], expected, equal_nan=True)
    by_r = frame[frame["band"] == "r"].groupby("id")["mag"]
    half_range = ((by_r.max() - by_r.min()) / 2).reindex(seq.ids).to_numpy()
    np.testing.assert_allclose(X["amplitude_r"], half_range, equal_nan=True)
    # a CV split of the sequence keeps features row for row, indexed by the
    # objects' ids
    half = lcf.transform(seq[np.arange(0, 30, 2)])
    pd.testing.assert_frame_equal(half, X.iloc[::2])


@pytest.mark.parametrize("n_peaks", [1])
def test_ztf_sne_per_object_arrays_match_long_table(require_data, n_peaks):
    from skastro.datasets import fetch_ztf_sne

    home = require_data("alerce_ztf_30sne")
    sne = fetch_ztf_sne(data_home=home, as_frame=True)
    seq = from_long_table(
        sne.frame, id="id", time="time", mag="mag", err="err", band="band"
    )
    a = LightCurveFeatures(features="fast").fit_transform(seq)
    b = LightCurveFeatures(features="fast").fit_transform(sne.data)
    np.testing.assert_allclose(a, b, rtol=1e-10)
