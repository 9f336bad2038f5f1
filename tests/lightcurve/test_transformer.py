"""LightCurveFeatures: names, presets, multi-band outputs, options."""

import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skastro.lightcurve import LightCurveFeatures, feature_definitions
from skastro.lightcurve._features._registry import FATS_NAMES


def _curves(seed=0, n_objects=10, bands=None):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_objects):
        n = int(rng.integers(15, 60))
        t = np.sort(rng.uniform(0, 100, n))
        cols = [
            t,
            15 + np.sin(t / 3) + rng.normal(0, 0.1, n),
            rng.uniform(0.05, 0.2, n),
        ]
        if bands is not None:
            cols.append(rng.integers(0, len(bands), n))
        out.append(np.column_stack(cols))
    return out


def test_one_band_names_and_definitions():
    lcf = LightCurveFeatures().fit(_curves())
    names = lcf.get_feature_names_out().tolist()
    assert len(names) >= 45 and len(set(names)) == len(names)
    assert names[:2] == ["n_obs", "duration"]
    assert {"period_0", "period_0_snr", "period_0_fap", "psi_cs", "fourier_r21"} <= set(
        names
    )
    defs = feature_definitions()
    assert list(defs) == names
    assert all(isinstance(d, str) and len(d) > 10 for d in defs.values())


def test_presets():
    curves = _curves()
    fast = LightCurveFeatures(features="fast").fit(curves).get_feature_names_out()
    assert not any(n.startswith(("period", "psi", "fourier")) for n in fast)
    fats = LightCurveFeatures(features="fats").fit(curves)
    names = fats.get_feature_names_out().tolist()
    assert set(names) == set(FATS_NAMES)
    # a FATS name is the skastro feature under another name
    all_ = LightCurveFeatures().fit(curves)
    X_all = pd.DataFrame(all_.transform(curves), columns=all_.get_feature_names_out())
    X_fats = pd.DataFrame(fats.transform(curves), columns=names)
    for fats_name, ours in FATS_NAMES.items():
        np.testing.assert_array_equal(X_fats[fats_name], X_all[ours])


def test_subset_is_in_registry_order_and_equals_full():
    curves = _curves()
    full = LightCurveFeatures(features="fast").fit(curves)
    sub = LightCurveFeatures(features=["std", "n_obs", "stetson_k"]).fit(curves)
    assert sub.get_feature_names_out().tolist() == ["n_obs", "std", "stetson_k"]
    cols = [
        full.get_feature_names_out().tolist().index(n)
        for n in ["n_obs", "std", "stetson_k"]
    ]
    np.testing.assert_array_equal(
        sub.transform(curves), full.transform(curves)[:, cols]
    )


def test_each_feature_alone_equals_its_column_of_the_full_set():
    # kernels skip the work of features not asked for (Anderson-Darling, the
    # runs, the linear fits, the autocorrelation): asked alone, every
    # feature still gets the value it has in the full set
    curves = _curves()
    full = LightCurveFeatures(features="fast").fit(curves)
    X = full.transform(curves)
    for j, name in enumerate(full.get_feature_names_out()):
        alone = LightCurveFeatures(features=[name]).fit(curves).transform(curves)
        np.testing.assert_array_equal(alone[:, 0], X[:, j], err_msg=name)


def test_unknown_feature_name():
    with pytest.raises(ValueError, match="unknown feature 'periodd_0'"):
        LightCurveFeatures(features=["periodd_0"]).fit(_curves())


def test_multiband_names_and_colours():
    curves = _curves(bands="gr")
    for c in curves:
        c[:, 1] += np.where(c[:, 3] == 1, 0.0, 0.5)  # band 0 is fainter by 0.5
    lcf = LightCurveFeatures(features="fast").fit(curves)
    assert lcf.bands_.tolist() == [0, 1]
    names = lcf.get_feature_names_out().tolist()
    assert "std_0" in names and "std_1" in names and "std" not in names
    assert {"color_0_1_mean", "color_0_1_median", "color_0_1_max"} <= set(names)
    X = pd.DataFrame(lcf.transform(curves), columns=names)
    np.testing.assert_allclose(X["color_0_1_mean"], X["mean_0"] - X["mean_1"])
    np.testing.assert_allclose(X["color_0_1_median"], X["median_0"] - X["median_1"])
    for i, c in enumerate(curves):
        expected = c[c[:, 3] == 0, 1].min() - c[c[:, 3] == 1, 1].min()
        assert X["color_0_1_max"][i] == pytest.approx(expected)
    assert X["color_0_1_mean"].mean() == pytest.approx(0.5, abs=0.1)


def test_bands_parameter_orders_colours():
    curves = _curves(bands="gri")
    lcf = LightCurveFeatures(features=["color_mean"], bands=[2, 1, 0]).fit(curves)
    assert lcf.get_feature_names_out().tolist() == ["color_2_1_mean", "color_1_0_mean"]
    with pytest.raises(ValueError, match=r"bands \[2\] are in the data"):
        LightCurveFeatures(bands=[0, 1]).fit(curves)


def test_fill_value_for_short_curves_and_empty_bands():
    curves = [
        np.array([[0.0, 1.0, 0.1, 0]]),  # one point, band 0 only
        np.array([[0.0, 1.0, 0.1, 0], [1, 2, 0.1, 0], [2, 1, 0.1, 1], [3, 2, 0.1, 1]]),
    ]
    lcf = LightCurveFeatures(features=["n_obs", "std", "skew"], fill_value=-99.0)
    X = pd.DataFrame(lcf.fit_transform(curves), columns=lcf.get_feature_names_out())
    assert X.loc[0, "n_obs_0"] == 1 and X.loc[0, "std_0"] == -99.0
    assert X.loc[0, "n_obs_1"] == 0 and X.loc[0, "std_1"] == -99.0
    assert X.loc[1, "std_0"] == pytest.approx(np.std([1, 2], ddof=1))
    assert X.loc[1, "skew_0"] == -99.0  # needs 3 points


def test_set_output_pandas():
    curves = _curves()
    lcf = LightCurveFeatures(features="fast").set_output(transform="pandas")
    out = lcf.fit_transform(curves)
    assert isinstance(out, pd.DataFrame)
    assert out.columns.tolist() == lcf.get_feature_names_out().tolist()


def test_chunks_threads_and_progress_give_the_same_result(capsys):
    curves = _curves(n_objects=25, bands="gr")
    ref = LightCurveFeatures(n_peaks=2, min_period=0.5).fit(curves).transform(curves)
    for kwargs in (
        {"chunk_size": 4},
        {"chunk_size": 7, "n_jobs": 2},
        {"progress": True},
    ):
        lcf = LightCurveFeatures(n_peaks=2, min_period=0.5, **kwargs).fit(curves)
        np.testing.assert_array_equal(lcf.transform(curves), ref)
    assert "LightCurveFeatures" in capsys.readouterr().err


def test_pickle_round_trip():
    curves = _curves()
    lcf = LightCurveFeatures(features="fast").fit(curves)
    clone = pickle.loads(pickle.dumps(lcf))
    np.testing.assert_array_equal(clone.transform(curves), lcf.transform(curves))


def test_regular_array_matches_sequence_with_integer_times():
    rng = np.random.default_rng(1)
    X = rng.normal(15, 0.5, (5, 30))
    X[2, [3, 4]] = np.nan
    seq = []
    for row in X:
        keep = np.isfinite(row)
        seq.append(np.column_stack([np.arange(30.0)[keep], row[keep]]))
    lcf = LightCurveFeatures(min_period=2.0, n_peaks=2)
    np.testing.assert_allclose(
        lcf.fit(X).transform(X), lcf.fit(seq).transform(seq), rtol=1e-12
    )


def test_min_period_larger_than_max_period():
    with pytest.raises(ValueError, match="max_period=1.0 must be larger"):
        LightCurveFeatures(min_period=2.0, max_period=1.0).fit(_curves())


def test_import_does_not_load_numba():
    code = "import sys, skastro.lightcurve; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_regular_table_and_frame_go_through_the_one_validation():
    # an astropy Table of regular light curves gives the array's features
    # and its column names; a DataFrame cell that is not a number is named
    # by column and row
    from astropy.table import Table

    X = np.random.default_rng(2).normal(15, 0.5, (4, 12))
    names = [f"epoch{i}" for i in range(12)]
    lcf = LightCurveFeatures(features="fast")
    from_table = lcf.fit(Table(X, names=names)).transform(Table(X, names=names))
    assert lcf.feature_names_in_.tolist() == names
    np.testing.assert_array_equal(from_table, lcf.fit(X).transform(X))
    frame = pd.DataFrame(X, columns=names).astype(object)
    frame.iloc[3, 5] = "faint"
    with pytest.raises(ValueError, match="'faint' in column 'epoch5' at row 3"):
        LightCurveFeatures().fit(frame)
