"""Tests of skastro.preprocessing._colors: PhotometricColors."""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from skastro.preprocessing import PhotometricColors

SDSS_FILE = "sdss_dr14_skyserver_10k/skyserver_dr14_10k.csv"

finite_mags = st.floats(-5.0, 35.0, allow_nan=False)


@pytest.fixture
def mags():
    rng = np.random.default_rng(0)
    values = 18 + rng.normal(scale=1.0, size=(6, 4))
    return pd.DataFrame(values, columns=["u", "g", "r", "i"])


# --- PhotometricColors -------------------------------------------------------


def test_adjacent_colors_match_hand_computation(mags):
    out = PhotometricColors().fit_transform(mags)
    expected = np.column_stack([mags.u - mags.g, mags.g - mags.r, mags.r - mags.i])
    assert_allclose(out, expected, rtol=0, atol=1e-12)


def test_all_pairs_and_names(mags):
    colors = PhotometricColors(pairs="all").fit(mags)
    names = list(colors.get_feature_names_out())
    assert names == ["u-g", "u-r", "u-i", "g-r", "g-i", "r-i"]
    out = colors.transform(mags)
    assert_allclose(out[:, names.index("g-i")], mags.g - mags.i, atol=1e-12)


def test_pairs_by_name_and_index(mags):
    by_name = PhotometricColors(pairs=[("u", "r"), ("i", "g")]).fit(mags)
    by_index = PhotometricColors(pairs=[(0, 2), (3, 1)]).fit(mags)
    assert list(by_name.get_feature_names_out()) == ["u-r", "i-g"]
    assert_array_equal(by_name.transform(mags), by_index.transform(mags))
    assert_allclose(by_name.transform(mags)[:, 1], mags.i - mags.g, atol=1e-12)


def test_numpy_dataframe_and_table_agree(mags):
    expected = PhotometricColors().fit_transform(mags)
    assert_array_equal(PhotometricColors().fit_transform(mags.to_numpy()), expected)
    table = Table.from_pandas(mags)
    colors = PhotometricColors(bands=["u", "g", "r", "i"]).fit(table)
    assert_array_equal(colors.transform(table), expected)
    assert list(colors.get_feature_names_out()) == ["u-g", "g-r", "r-i"]
    unnamed = PhotometricColors().fit(mags.to_numpy())
    assert list(unnamed.get_feature_names_out()) == ["x0-x1", "x1-x2", "x2-x3"]


def test_set_output_pandas_keeps_index(mags):
    mags.index = [f"obj{i}" for i in range(len(mags))]
    out = PhotometricColors(keep_magnitudes=True).set_output(transform="pandas")
    frame = out.fit_transform(mags)
    assert list(frame.columns) == ["u", "g", "r", "i", "u-g", "g-r", "r-i"]
    assert list(frame.index) == list(mags.index)
    assert_allclose(frame[["u", "g", "r", "i"]], mags)


def test_colour_errors_are_added_in_quadrature():
    X = pd.DataFrame(
        {"g": [18.0, 19.0], "r": [17.0, 18.5], "e_g": [0.3, 0.05], "e_r": [0.4, 0.12]}
    )
    colors = PhotometricColors(error_columns=["e_g", "e_r"]).fit(X)
    assert list(colors.get_feature_names_out()) == ["g-r", "err_g-r"]
    out = colors.transform(X)
    # 3-4-5 and 5-12-13 right triangles
    assert_allclose(out[:, 1], [0.5, 0.13], rtol=1e-12)
    assert_allclose(out[:, 0], [1.0, 0.5], rtol=1e-12)


def test_extinction_correction_matches_hand_computation():
    R = {"u": 4.239, "g": 3.303, "r": 2.285}
    X = pd.DataFrame(
        {"u": [19.0, 20.0], "g": [18.0, 18.5], "r": [17.5, 18.0], "ebv": [0.1, 0.02]}
    )
    colors = PhotometricColors(
        extinction={"R": R, "ebv": "ebv"}, keep_magnitudes=True
    ).fit(X)
    out = colors.transform(X)
    u0 = X.u - 4.239 * X.ebv
    g0 = X.g - 3.303 * X.ebv
    r0 = X.r - 2.285 * X.ebv
    assert list(colors.get_feature_names_out()) == ["u", "g", "r", "u-g", "g-r"]
    assert_allclose(out, np.column_stack([u0, g0, r0, u0 - g0, g0 - r0]), atol=1e-12)
    # a sequence of coefficients in band order is the same
    seq = PhotometricColors(extinction={"R": [4.239, 3.303, 2.285], "ebv": 3})
    assert_allclose(seq.fit_transform(X), out[:, 3:], atol=1e-12)


def test_missing_values_propagate_as_nan():
    X = np.array(
        [
            [19.0, 18.0, 17.5, 17.0],
            [-9999.0, 18.0, 17.5, 17.0],
            [19.0, 18.0, 99.0, 17.0],
            [19.0, np.nan, 17.5, 17.0],
        ]
    )
    out = PhotometricColors(missing_values=[-9999, 99]).fit_transform(X)
    expected_nan = np.array(
        [
            [False, False, False],
            [True, False, False],
            [False, True, True],
            [True, True, False],
        ]
    )
    assert_array_equal(np.isnan(out), expected_nan)
    assert_allclose(out[0], [1.0, 0.5, 0.5])
    # without sentinels, -9999 is a (wild) magnitude, not a missing one
    assert np.isfinite(PhotometricColors().fit_transform(X)[1, 0])


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (5, 3), elements=finite_mags))
def test_colour_chain_identity(X):
    # colour(a, b) + colour(b, c) = colour(a, c)
    out = PhotometricColors(pairs=[(0, 1), (1, 2), (0, 2)]).fit_transform(X)
    assert_allclose(out[:, 0] + out[:, 1], out[:, 2], atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (4, 5), elements=finite_mags),
    st.floats(-10.0, 10.0, allow_nan=False),
)
def test_colours_invariant_under_common_shift(X, shift):
    # a grey shift of every magnitude (distance, zero point) leaves colours
    colors = PhotometricColors(pairs="all")
    assert_allclose(
        colors.fit_transform(X + shift), colors.fit_transform(X), atol=1e-11
    )


@pytest.mark.parametrize(
    "params, match",
    [
        ({"bands": ["u", "q"]}, "column 'q' given in bands is not a column of X"),
        ({"bands": [0, 9]}, "column index 9 given in bands is out of range"),
        ({"bands": ["u"]}, "needs at least 2 magnitude columns"),
        ({"bands": ["u", "u"]}, "name a column twice"),
        ({"pairs": [("u", "y")]}, "band 'y' is not one of the bands"),
        ({"pairs": [("g", "g")]}, "subtracts band 'g' from itself"),
        ({"pairs": [("u", "g", "r")]}, "is not a \\(band, band\\) pair"),
        ({"pairs": []}, "pairs is empty"),
        ({"error_columns": ["u"]}, "error_columns names 1 column"),
        ({"extinction": {"R": [1.0]}}, "expected exactly"),
        ({"extinction": {"R": {"u": 1.0}, "ebv": "i"}}, "no coefficient for band 'g'"),
        ({"extinction": {"R": [1.0, 2.0], "ebv": "i"}}, "holds 2 coefficient"),
    ],
)
def test_bad_parameters_name_the_culprit(mags, params, match):
    with pytest.raises(ValueError, match=match):
        PhotometricColors(**params).fit(mags)


def test_bad_input_names_column_and_row(mags):
    colors = PhotometricColors().fit(mags)
    with (
        pytest.warns(UserWarning, match="does not have valid feature names"),
        pytest.raises(ValueError, match="X has 3 features, but PhotometricColors"),
    ):
        colors.transform(mags.iloc[:, :3].to_numpy())
    with pytest.raises(ValueError, match="feature names"):
        colors.transform(mags.rename(columns={"u": "U"}))
    bad = mags.astype(object)
    bad.loc[2, "g"] = "faint"
    with pytest.raises(ValueError, match="'faint' in column 'g' at row 2"):
        colors.transform(bad)
    inf = mags.copy()
    inf.loc[4, "r"] = np.inf
    with pytest.raises(
        ValueError, match="infinite value \\(inf\\) in column 'r' at row 4"
    ):
        colors.transform(inf)
    with pytest.raises(ValueError, match="is a name, but X has no column names"):
        PhotometricColors(bands=["u", "g"]).fit(mags.to_numpy())


def test_negative_error_is_rejected():
    X = np.array([[18.0, 17.0, 0.1, -0.2]])
    with pytest.raises(
        ValueError, match="negative magnitude error -0.2 in column 'x3'"
    ):
        PhotometricColors(bands=[0, 1], error_columns=[2, 3]).fit_transform(X)


def test_sdss_colours_match_hand_computation(require_data):
    home = require_data("sdss_dr14_skyserver_10k")
    df = pd.read_csv(home / SDSS_FILE)
    colors = PhotometricColors(bands=list("ugriz")).set_output(transform="pandas")
    out = colors.fit_transform(df)
    assert list(out.columns) == ["u-g", "g-r", "r-i", "i-z"]
    assert out.shape == (10_000, 4)
    for a, b in ["ug", "gr", "ri", "iz"]:
        assert_allclose(out[f"{a}-{b}"], df[a] - df[b], rtol=0, atol=1e-12)
    # astropy Table straight from the CSV gives the same colours
    table = Table.read(home / SDSS_FILE, format="ascii.csv")
    assert_allclose(colors.fit_transform(table), out, rtol=0, atol=1e-12)


def test_sdss_pipeline_with_random_forest(require_data):
    home = require_data("sdss_dr14_skyserver_10k")
    df = pd.read_csv(home / SDSS_FILE)
    X, y = df[list("ugriz")], df["class"]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    model = Pipeline(
        [
            ("colors", PhotometricColors()),
            ("forest", RandomForestClassifier(n_estimators=30, random_state=0)),
        ]
    )
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    # majority class (GALAXY) is 50 %; colours alone separate star/galaxy/QSO
    assert accuracy > 0.9, accuracy
    assert model[:-1].get_feature_names_out().tolist() == ["u-g", "g-r", "r-i", "i-z"]


# --- the deprecated name `errors` for `error_columns` --------------------------


def test_errors_still_names_the_error_columns_with_a_future_warning():
    # `errors` is the bad-value policy elsewhere in skastro; as the name of the
    # error columns it keeps working for one release and points to the new name
    X = pd.DataFrame(
        {"g": [18.0, 19.0], "r": [17.0, 18.5], "e_g": [0.3, 0.05], "e_r": [0.4, 0.12]}
    )
    new = PhotometricColors(error_columns=["e_g", "e_r"]).fit(X)
    with pytest.warns(
        FutureWarning, match="'errors' was renamed 'error_columns'"
    ) as record:
        old = PhotometricColors(errors=["e_g", "e_r"]).fit(X)
    assert record[0].filename == __file__  # the warning points at the caller
    assert_array_equal(old.transform(X), new.transform(X))
    assert list(old.get_feature_names_out()) == ["g-r", "err_g-r"]
    assert old.error_columns_ == new.error_columns_ == [2, 3]


def test_errors_and_error_columns_together_are_refused():
    X = np.ones((2, 4))
    colors = PhotometricColors(bands=[0, 1], error_columns=[2, 3], errors=[2, 3])
    with pytest.raises(ValueError, match="both 'error_columns' and its deprecated"):
        colors.fit(X)


def test_deprecated_errors_message_names_the_parameter_used():
    with (
        pytest.warns(FutureWarning, match="renamed 'error_columns'"),
        pytest.raises(ValueError, match="errors names 1 column"),
    ):
        PhotometricColors(errors=[2]).fit(np.ones((2, 3)))


def test_fitted_errors_attribute_reads_error_columns_with_a_future_warning():
    colors = PhotometricColors(bands=[0, 1], error_columns=[2, 3]).fit(np.ones((2, 4)))
    with pytest.warns(FutureWarning, match="`errors_` was renamed `error_columns_`"):
        assert colors.errors_ == [2, 3]


def test_errors_defaults_to_the_deprecated_marker_and_clones():
    colors = PhotometricColors(error_columns=["e_g"])
    assert colors.get_params()["errors"] == "deprecated"
    assert clone(colors).get_params() == colors.get_params()
