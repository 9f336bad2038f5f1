"""Tests of units in skastro.preprocessing: columns with units are converted.

Each transformer reads the unit of its physical columns from an astropy
QTable, a Table column's ``unit`` or a Quantity, converts it to the unit it
computes in, and refuses a unit of another physical type with a message
naming the column, the unit and the type expected.
"""

import astropy.units as u
import numpy as np
import pytest
from astropy.table import QTable, Table
from numpy.testing import assert_allclose, assert_array_equal

from skastro.preprocessing import (
    FluxToMagnitude,
    MagnitudeToFlux,
    PhotometricColors,
    PolarTransformer,
    SkyCoordinateTransformer,
)

# --- fluxes -------------------------------------------------------------------


def test_qtable_mjy_flux_gives_its_ab_magnitude():
    # 1 mJy is 3631e-6 maggies: m = -2.5 log10(1e-3 / 3631) = 16.40
    out = FluxToMagnitude().fit_transform(QTable({"f_g": [1.0] * u.mJy}))
    assert_allclose(out, [[16.40006562]])


def test_table_column_unit_is_read_like_a_qtable():
    table = Table({"f_g": [1.0, 2.0]})
    table["f_g"].unit = "mJy"
    qtable = QTable({"f_g": [1.0, 2.0] * u.mJy})
    assert_array_equal(
        FluxToMagnitude().fit_transform(table), FluxToMagnitude().fit_transform(qtable)
    )


@pytest.mark.parametrize("unit", ["mJy", u.mJy])
def test_unit_mjy_equals_jy_over_1000(unit):
    flux = np.array([[0.5, 3631.0], [2.0, 1e-3]])
    in_mjy = FluxToMagnitude(unit=unit).fit_transform(flux)
    assert_allclose(in_mjy, FluxToMagnitude(unit="Jy").fit_transform(flux / 1000))
    mags = np.array([[20.0, 16.4]])
    assert_allclose(
        MagnitudeToFlux(unit=unit).fit_transform(mags),
        MagnitudeToFlux(unit="Jy").fit_transform(mags) * 1000,
    )


@pytest.mark.parametrize(
    "unit, per_jy",
    [("uJy", 1e6), ("erg/s/cm2/Hz", 1e-23), ("erg / (s cm2 Hz)", 1e-23)],
)
def test_any_flux_density_unit_is_accepted(unit, per_jy):
    mags = np.array([[0.0, 22.5]])
    assert_allclose(
        MagnitudeToFlux(unit=unit).fit_transform(mags),
        MagnitudeToFlux(unit="Jy").fit_transform(mags) * per_jy,
    )


def test_flux_columns_convert_to_the_transformer_unit():
    # 3631 nJy, 1 nanomaggy and 3.631e-3 mJy are the same flux: 22.5 AB mag
    X = QTable(
        {"a": [3631.0] * u.nJy, "b": [1.0] * u.nanomaggy, "c": [3.631e-3] * u.mJy}
    )
    for unit in ["nJy", "Jy", "maggies", "erg/s/cm2/Hz"]:
        assert_allclose(FluxToMagnitude(unit=unit).fit_transform(X), [[22.5] * 3])


def test_two_dimensional_quantity_has_one_unit_for_all_columns():
    X = np.array([[1.0, 3.631]]) * u.mJy
    assert_allclose(FluxToMagnitude().fit_transform(X), [[16.40006562, 15.0]])


def test_transform_converts_the_table_given_to_it():
    conv = FluxToMagnitude(unit="Jy").fit(QTable({"f": [1.0] * u.mJy}))
    # transform reads the units of its own input, not those seen in fit
    assert_allclose(conv.transform(QTable({"f": [1.0] * u.Jy})), [[8.9]], atol=1e-3)
    assert_allclose(conv.transform(QTable({"f": [1.0]})), [[8.9]], atol=1e-3)


def test_unconverted_columns_pass_through_as_numbers():
    X = QTable({"f": [1.0] * u.mJy, "z": [0.5] * u.s})
    out = FluxToMagnitude(columns=["f"]).fit_transform(X)
    assert_allclose(out, [[16.40006562, 0.5]])


def test_time_flux_column_is_rejected_naming_the_column():
    with pytest.raises(ValueError, match=r"column 'f_g' has unit 's' \(time\)"):
        FluxToMagnitude().fit(QTable({"f_g": [1.0] * u.s}))


@pytest.mark.parametrize(
    "unit, kind",
    [
        (u.s, "time"),
        (u.m, "length"),
        (u.ABmag, "magnitude"),
        (u.erg / u.s / u.cm**2 / u.AA, "spectral flux density wav"),
    ],
)
def test_incompatible_flux_unit_names_column_unit_and_expected_type(unit, kind):
    X = QTable({"f_r": [1.0] * unit})
    with pytest.raises(ValueError) as info:
        FluxToMagnitude(unit="Jy").fit(X)
    message = str(info.value)
    assert "column 'f_r'" in message
    assert f"unit '{unit.to_string()}' (" in message
    assert kind in message
    assert "expected a spectral flux density per unit frequency" in message
    assert "'Jy'" in message


def test_f_lambda_column_names_the_wavelength_conversion():
    X = QTable({"f": [1e-17] * u.erg / u.s / u.cm**2 / u.AA})
    with pytest.raises(ValueError, match="u.spectral_density"):
        FluxToMagnitude().fit(X)


@pytest.mark.parametrize(
    "unit, match",
    [
        ("deg", "unit='deg' is a unit of angle; expected a spectral flux density"),
        ("erg/s/cm2/AA", "per unit wavelength"),
        ("bananas", "unit='bananas' is not a unit astropy can parse"),
    ],
)
def test_unit_parameter_must_be_a_flux_density(unit, match):
    with pytest.raises(ValueError, match=match):
        FluxToMagnitude(unit=unit).fit([[1.0]])


def test_unit_parameter_of_another_type_is_refused():
    with pytest.raises(ValueError, match="'unit' parameter of MagnitudeToFlux"):
        MagnitudeToFlux(unit=3).fit([[1.0]])


# --- magnitudes ---------------------------------------------------------------


@pytest.mark.parametrize("unit", [u.ABmag, u.mag])
def test_ab_magnitude_column_equals_the_plain_number_path(unit):
    mags = np.array([16.4, 22.5, 31.4])
    with_unit = MagnitudeToFlux(unit="Jy").fit_transform(QTable({"g": mags * unit}))
    plain = MagnitudeToFlux(unit="Jy").fit_transform(mags[:, None])
    assert_array_equal(with_unit, plain)


def test_abmag_flux_agrees_with_astropy_to_its_zero_point():
    # astropy's AB zero point is 10**(-0.4 * 48.60) cgs = 3630.78 Jy, skastro's
    # 3631 Jy: the fluxes agree to 6e-5 relative
    mags = np.array([16.4, 22.5])
    ours = MagnitudeToFlux(unit="Jy").fit_transform(QTable({"g": mags * u.ABmag}))
    assert_allclose(ours[:, 0], (mags * u.ABmag).to_value(u.Jy), rtol=1e-4)


def test_flux_column_where_magnitudes_are_expected_is_rejected():
    with pytest.raises(ValueError) as info:
        MagnitudeToFlux().fit(QTable({"g": [1.0] * u.Jy}))
    message = str(info.value)
    assert "column 'g' has unit 'Jy' (spectral flux density)" in message
    assert "expected magnitudes" in message


def test_colors_read_magnitude_units_and_refuse_fluxes():
    table = Table({"g": [20.0], "r": [19.5], "e_g": [0.1], "e_r": [0.1]})
    table["g"].unit = "mag(AB)"
    for name in ["r", "e_g", "e_r"]:
        table[name].unit = "mag"
    colors = PhotometricColors(bands=["g", "r"], error_columns=["e_g", "e_r"])
    assert_allclose(colors.fit_transform(table), [[0.5, np.hypot(0.1, 0.1)]])
    with pytest.raises(ValueError, match="column 'r' has unit 'Jy'"):
        PhotometricColors().fit(QTable({"g": [20.0] * u.mag, "r": [1.0] * u.Jy}))


# --- angles -------------------------------------------------------------------


def test_radians_and_degrees_give_the_same_galactic_coordinates():
    ra, dec = np.array([10.0, 200.0]), np.array([0.1, -0.5])
    in_rad = QTable({"ra": np.radians(ra) * u.rad, "dec": dec * u.rad})
    in_deg = QTable({"ra": ra * u.deg, "dec": np.degrees(dec) * u.deg})
    sky = SkyCoordinateTransformer()
    expected = sky.fit_transform(np.column_stack([ra, np.degrees(dec)]))
    assert_allclose(sky.fit_transform(in_rad), expected, atol=1e-10)
    assert_allclose(sky.fit_transform(in_deg), expected, atol=1e-10)
    # dec = 0.1 rad is 5.7 deg: b about -57, not the -62.6 of 0.1 deg
    assert_allclose(expected[0, 1], -57.03, atol=0.01)


def test_hourangle_ra_is_converted():
    table = Table({"ra": [1.0], "dec": [5.0]})
    table["ra"].unit, table["dec"].unit = "hourangle", "deg"
    sky = SkyCoordinateTransformer()
    assert_allclose(sky.fit_transform(table), sky.fit_transform([[15.0, 5.0]]))


def test_declination_range_is_checked_after_conversion():
    with pytest.raises(ValueError, match=r"dec = 114\.59"):
        SkyCoordinateTransformer().fit(
            QTable({"ra": [1.0] * u.deg, "dec": [2.0] * u.rad})
        )


def test_length_declination_is_rejected():
    X = QTable({"ra": [10.0] * u.deg, "dec": [1.0] * u.m})
    with pytest.raises(ValueError) as info:
        SkyCoordinateTransformer().fit(X)
    message = str(info.value)
    assert "column 'dec' has unit 'm' (length)" in message
    assert "expected angle, convertible to 'deg'" in message


def test_polar_reads_the_pair_in_the_unit_of_x():
    X = QTable({"x": [3.0] * u.kpc, "y": [4000.0] * u.pc})
    polar = PolarTransformer().fit(X)
    assert_allclose(polar.transform(X), [[5.0, np.arctan2(4, 3)]])
    # a Quantity centre is converted too; r is in kpc, x's unit
    centred = PolarTransformer(center=[0.0, 1000.0] * u.pc).fit_transform(X)
    assert_allclose(centred, [[np.hypot(3.0, 3.0), np.pi / 4]])


def test_polar_refuses_a_y_of_another_physical_type():
    with pytest.raises(
        ValueError, match="column 'y' has unit 's' \\(time\\); expected length"
    ):
        PolarTransformer().fit(QTable({"x": [3.0] * u.kpc, "y": [4.0] * u.s}))


# --- asinh softening ------------------------------------------------------------


def test_plain_softening_above_the_bound_is_refused_with_its_scale():
    with pytest.raises(ValueError) as info:
        FluxToMagnitude(asinh_softening=1.0).fit([[1.0]])
    message = str(info.value)
    assert "asinh_softening=1.0 is read in maggies" in message
    assert "0.9e-10 (g)" in message and "7.4e-10 (z)" in message


def test_softening_bound_applies_per_column():
    with pytest.raises(ValueError, match="asinh_softening=0.5 is read in maggies"):
        FluxToMagnitude(asinh_softening={"g": 1e-10, "r": 0.5}).fit(
            QTable({"g": [1.0] * u.nJy, "r": [1.0] * u.nJy})
        )


def test_quantity_softening_is_converted_to_maggies():
    b = 0.9e-10
    flux = np.array([[-50.0], [0.0], [1000.0]])
    plain = FluxToMagnitude(unit="nJy", asinh_softening=b).fit(flux)
    as_flux = FluxToMagnitude(unit="nJy", asinh_softening=b * 3631 * u.Jy).fit(flux)
    assert_allclose(as_flux.softening_, plain.softening_)
    assert_allclose(as_flux.transform(flux), plain.transform(flux))
    per_band = FluxToMagnitude(asinh_softening={"x0": b * 3631e9 * u.nJy}).fit(flux)
    assert_allclose(per_band.softening_, [b])


def test_softening_of_the_wrong_unit_is_refused():
    with pytest.raises(
        ValueError, match='asinh_softening=Unit\\("s"\\) is a unit of time'
    ):
        FluxToMagnitude(asinh_softening=1.0 * u.s).fit([[1.0]])


def test_unrecognised_unit_is_rejected_naming_the_column():
    table = Table({"f": [1.0]})
    table["f"].unit = u.Unit("bogus", parse_strict="silent")
    with pytest.raises(ValueError, match="column 'f' has unit 'bogus'"):
        FluxToMagnitude().fit(table)


def test_plural_maggies_column_unit_is_read():
    # astropy parses "maggy" and "nanomaggy"; the plurals of SDSS tables too
    table = Table({"f": [1.0], "g": [1.0]})
    table["f"].unit = u.Unit("nanomaggies", parse_strict="silent")
    table["g"].unit = u.Unit("maggies", parse_strict="silent")
    assert_allclose(FluxToMagnitude().fit_transform(table), [[22.5, 0.0]], atol=1e-12)
