"""Tests of skastro.preprocessing._photometry: colours and magnitude <-> flux."""

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
from sklearn.utils import get_tags

from skastro.preprocessing import FluxToMagnitude, MagnitudeToFlux, PhotometricColors

SDSS_FILE = "sdss_dr14_skyserver_10k/skyserver_dr14_10k.csv"
# SDSS asinh softening per band (Stoughton et al. 2002, SDSS DR docs)
SDSS_B = {"u": 1.4e-10, "g": 0.9e-10, "r": 1.2e-10, "i": 1.8e-10, "z": 7.4e-10}
# the SDSS documentation's asinh magnitude of zero flux per band
SDSS_ZERO_FLUX_MAG = {"u": 24.63, "g": 25.11, "r": 24.80, "i": 24.36, "z": 22.83}

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


# --- MagnitudeToFlux / FluxToMagnitude ---------------------------------------


@pytest.mark.parametrize(
    "unit, mag, flux",
    [
        ("Jy", 0.0, 3631.0),
        ("Jy", 2.5, 363.1),
        ("nJy", 22.5, 3631.0),  # 22.5 mag is 1 nanomaggie
        ("nJy", 31.4, 1.0),  # AB 31.4 is 1 nJy (to 0.1 %)
        ("maggies", 0.0, 1.0),
        ("maggies", 22.5, 1e-9),
    ],
)
def test_ab_definitions(unit, mag, flux):
    rtol = 1e-3 if mag == 31.4 else 1e-12
    out = MagnitudeToFlux(unit=unit).fit_transform([[mag]])
    assert_allclose(out, [[flux]], rtol=rtol)
    back = FluxToMagnitude(unit=unit).fit_transform([[flux]])
    assert_allclose(back, [[mag]], atol=2e-3 if mag == 31.4 else 1e-12)


def test_units_are_consistent():
    mags = np.array([[15.0, 20.0], [22.0, 25.0]])
    jy = MagnitudeToFlux(unit="Jy").fit_transform(mags)
    assert_allclose(MagnitudeToFlux(unit="nJy").fit_transform(mags), jy * 1e9)
    assert_allclose(MagnitudeToFlux(unit="maggies").fit_transform(mags), jy / 3631)


@pytest.mark.parametrize("band", list("ugriz"))
def test_sdss_asinh_zero_flux_magnitudes(band):
    out = FluxToMagnitude(unit="maggies", asinh_softening=SDSS_B[band])
    assert_allclose(out.fit_transform([[0.0]]), [[SDSS_ZERO_FLUX_MAG[band]]], atol=6e-3)


def test_asinh_approaches_plain_magnitudes_when_bright():
    flux = np.array([[1e-6], [1e-7]])  # maggies: 15 and 17.5 mag, >> b
    plain = FluxToMagnitude(unit="maggies").fit_transform(flux)
    asinh = FluxToMagnitude(unit="maggies", asinh_softening=1e-10).fit_transform(flux)
    assert_allclose(asinh, plain, atol=1e-6)
    assert_allclose(plain, [[15.0], [17.5]], atol=1e-12)


def test_asinh_per_band_softening_and_columns():
    X = pd.DataFrame({"id": [1.0, 2.0], "g": [3e-9, -1e-10], "r": [5e-9, 0.0]})
    conv = FluxToMagnitude(
        unit="maggies", asinh_softening={"g": 0.9e-10, "r": 1.2e-10}, columns=["g", "r"]
    ).fit(X)
    assert list(conv.get_feature_names_out()) == ["id", "mag_g", "mag_r"]
    out = conv.transform(X)
    assert_array_equal(out[:, 0], X.id)
    assert np.all(np.isfinite(out))
    assert_allclose(out[1, 2], SDSS_ZERO_FLUX_MAG["r"], atol=6e-3)
    same = FluxToMagnitude(
        unit="maggies", asinh_softening=[0.9e-10, 1.2e-10], columns=[1, 2]
    )
    assert_array_equal(same.fit_transform(X), out)


@pytest.mark.parametrize("unit", ["nJy", "Jy", "maggies"])
@pytest.mark.parametrize("softening", [None, [1.4e-10, 0.9e-10, 7.4e-10]])
def test_round_trips(unit, softening):
    rng = np.random.default_rng(1)
    mags = rng.uniform(14, 24, size=(20, 3))
    to_flux = MagnitudeToFlux(unit=unit, asinh_softening=softening).fit(mags)
    flux = to_flux.transform(mags)
    assert_allclose(to_flux.inverse_transform(flux), mags, rtol=1e-10)
    to_mag = FluxToMagnitude(unit=unit, asinh_softening=softening).fit(flux)
    assert_allclose(to_mag.transform(flux), mags, rtol=1e-10)
    assert_allclose(to_mag.inverse_transform(mags), flux, rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (3, 2), elements=st.floats(1e-3, 1e12)))
def test_flux_mag_flux_identity(flux):
    conv = FluxToMagnitude(unit="nJy").fit(flux)
    assert_allclose(conv.inverse_transform(conv.transform(flux)), flux, rtol=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    arrays(
        np.float64,
        (4, 1),
        elements=st.floats(-1e-7, 1e-7).filter(lambda f: abs(f) > 1e-13 or f == 0),
    )
)
def test_asinh_flux_identity_any_sign(flux):
    conv = FluxToMagnitude(unit="maggies", asinh_softening=1e-10).fit(flux)
    mags = conv.transform(flux)
    assert np.all(np.isfinite(mags))
    assert_allclose(conv.inverse_transform(mags), flux, rtol=1e-10, atol=1e-24)


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-3, 1e9), st.floats(1e-3, 1e9))
def test_magnitude_difference_is_log_flux_ratio(f1, f2):
    m = FluxToMagnitude().fit_transform([[f1, f2]])[0]
    assert_allclose(m[0] - m[1], -2.5 * np.log10(f1 / f2), atol=1e-9)


def test_nan_propagates():
    out = MagnitudeToFlux().fit_transform([[np.nan, 20.0]])
    assert np.isnan(out[0, 0]) and np.isfinite(out[0, 1])
    assert np.isnan(FluxToMagnitude().fit_transform([[np.nan]])[0, 0])


def test_plain_log_rejects_non_positive_flux_naming_column_and_row():
    X = pd.DataFrame({"g": [10.0, 20.0, 30.0], "r": [5.0, -1.0, 0.0]})
    with pytest.raises(ValueError, match="flux -1.0 in column 'r' at row 1"):
        FluxToMagnitude().fit(X)
    fitted = FluxToMagnitude().fit(X.iloc[:1])
    with pytest.raises(ValueError, match="Zero flux in data.*column 'r' at row 0"):
        fitted.transform(X.iloc[2:])
    to_flux = MagnitudeToFlux().fit([[20.0]])
    with pytest.raises(ValueError, match="flux -3.0 in column 'x0' at row 1"):
        to_flux.inverse_transform([[10.0], [-3.0]])
    # the asinh mode accepts the same input
    assert np.all(np.isfinite(FluxToMagnitude(asinh_softening=1e-10).fit_transform(X)))


def test_positive_only_tag_follows_the_mode():
    assert get_tags(FluxToMagnitude()).input_tags.positive_only
    assert not get_tags(FluxToMagnitude(asinh_softening=1e-10)).input_tags.positive_only
    assert not get_tags(MagnitudeToFlux()).input_tags.positive_only


@pytest.mark.parametrize(
    "params, match",
    [
        ({"asinh_softening": {"g": 1e-10}}, "no softening for column 'r'"),
        ({"asinh_softening": [1e-10]}, "holds 1 value\\(s\\) but 2 column"),
        ({"asinh_softening": [1e-10, -1.0]}, "-1.0 for column 'r' is not a positive"),
        ({"columns": ["i"]}, "column 'i' given in columns is not a column of X"),
    ],
)
def test_bad_flux_parameters(params, match):
    X = pd.DataFrame({"g": [1.0], "r": [2.0]})
    with pytest.raises(ValueError, match=match):
        MagnitudeToFlux(**params).fit(X)


def test_inverse_transform_checks_width():
    conv = MagnitudeToFlux().fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="X has 2 features, but MagnitudeToFlux"):
        conv.inverse_transform(np.ones((2, 2)))


def test_clone_keeps_parameters():
    conv = FluxToMagnitude(unit="Jy", asinh_softening={"g": 1e-10}, columns=["g"])
    assert clone(conv).get_params() == conv.get_params()


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


def test_default_errors_is_hidden_from_users_but_kept_by_clone():
    colors = PhotometricColors(error_columns=["e_g"])
    assert colors.get_params()["errors"] == "deprecated"
    assert clone(colors).get_params() == colors.get_params()
