"""Tests of skastro.preprocessing._magnitudes: magnitude <-> flux."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.utils import get_tags

from skastro.preprocessing import FluxToMagnitude, MagnitudeToFlux

# SDSS asinh softening per band (Stoughton et al. 2002, SDSS DR docs)
SDSS_B = {"u": 1.4e-10, "g": 0.9e-10, "r": 1.2e-10, "i": 1.8e-10, "z": 7.4e-10}
# the SDSS documentation's asinh magnitude of zero flux per band
SDSS_ZERO_FLUX_MAG = {"u": 24.63, "g": 25.11, "r": 24.80, "i": 24.36, "z": 22.83}


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
