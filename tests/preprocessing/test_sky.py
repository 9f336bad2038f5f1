"""Tests of skastro.preprocessing._sky: SkyCoordinateTransformer."""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from skastro.preprocessing import SkyCoordinateTransformer

# ICRS -> Galactic rotation matrix A_G of the Hipparcos catalogue
# (ESA 1997, vol. 1, sect. 1.5.3, eq. 1.5.11), written out independently of
# astropy: galactic unit vector = A_G @ ICRS unit vector.
HIPPARCOS_A_G = np.array(
    [
        [-0.0548755604, -0.8734370902, -0.4838350155],
        [+0.4941094279, -0.4448296300, +0.7469822445],
        [-0.8676661490, -0.1980763734, +0.4559837762],
    ]
)


def _unit(ra_deg, dec_deg):
    ra, dec = np.radians(ra_deg), np.radians(dec_deg)
    return np.column_stack(
        [np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)]
    )


def _angular_distance_deg(lon1, lat1, lon2, lat2):
    u1, u2 = _unit(lon1, lat1), _unit(lon2, lat2)
    cross = np.linalg.norm(np.cross(u1, u2), axis=1)
    return np.degrees(np.arctan2(cross, np.sum(u1 * u2, axis=1)))


@pytest.fixture
def radec():
    rng = np.random.default_rng(0)
    ra = rng.uniform(0, 360, 50)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, 50)))
    return np.column_stack([ra, dec])


# --- SkyCoordinateTransformer ------------------------------------------------


@pytest.mark.parametrize(
    "ra, dec, l, b",
    [
        (266.40499, -28.93617, 0.0, 0.0),  # Galactic centre (Reid & Brunthaler)
        (192.85948, 27.12825, 0.0, 90.0),  # north Galactic pole (l undefined)
        (0.0, 90.0, 122.93192, 27.12825),  # north celestial pole
    ],
)
def test_galactic_reference_points(ra, dec, l, b):
    out = SkyCoordinateTransformer().fit_transform([[ra, dec]])
    assert _angular_distance_deg(out[:, 0], out[:, 1], [l], [b])[0] < 1e-4


def test_galactic_unit_vectors_match_hipparcos_matrix(radec):
    out = SkyCoordinateTransformer(output="unit_vector").fit_transform(radec)
    expected = _unit(radec[:, 0], radec[:, 1]) @ HIPPARCOS_A_G.T
    # astropy's Galactic frame is tied to FK5; ICRS-FK5 differ by < 0.1 arcsec
    assert_allclose(out, expected, atol=5e-7)


def test_ecliptic_reference_points():
    # equinox on the ecliptic; north ecliptic pole (J2000 obliquity 23.4393 deg)
    X = np.array([[0.0, 0.0], [270.0, 90.0 - 23.4393]])
    out = SkyCoordinateTransformer(frame="ecliptic").fit_transform(X)
    assert _angular_distance_deg(out[:1, 0], out[:1, 1], [0.0], [0.0])[0] < 1e-4
    assert abs(out[1, 1] - 90.0) < 1e-3


def test_icrs_frame_wraps_ra_only():
    out = SkyCoordinateTransformer(frame="icrs").fit_transform(
        [[370.0, 10.0], [-5.0, -90]]
    )
    assert_allclose(out, [[10.0, 10.0], [355.0, -90.0]], atol=1e-9)


@pytest.mark.parametrize("frame", ["galactic", "ecliptic", "icrs"])
def test_outputs_agree(radec, frame):
    angles = SkyCoordinateTransformer(frame=frame).fit_transform(radec)
    lon, lat = np.radians(angles[:, 0]), np.radians(angles[:, 1])
    assert np.all((angles[:, 0] >= 0) & (angles[:, 0] < 360))
    xyz = SkyCoordinateTransformer(frame=frame, output="unit_vector").fit_transform(
        radec
    )
    assert_allclose(np.linalg.norm(xyz, axis=1), 1.0, rtol=1e-12)
    assert_allclose(xyz, _unit(angles[:, 0], angles[:, 1]), atol=1e-12)
    sc = SkyCoordinateTransformer(frame=frame, output="sincos").fit_transform(radec)
    assert_allclose(
        sc,
        np.column_stack([np.sin(lon), np.cos(lon), np.sin(lat), np.cos(lat)]),
        atol=1e-12,
    )


@pytest.mark.parametrize("frame", ["galactic", "ecliptic", "icrs"])
@pytest.mark.parametrize("output", ["angles", "unit_vector", "sincos"])
def test_sky_round_trip(radec, frame, output):
    X = np.column_stack([radec[:, 0], np.arange(len(radec)), radec[:, 1]])
    sky = SkyCoordinateTransformer(frame=frame, output=output, columns=(0, 2)).fit(X)
    back = sky.inverse_transform(sky.transform(X))
    assert_array_equal(back[:, 1], X[:, 1])
    assert _angular_distance_deg(back[:, 0], back[:, 2], X[:, 0], X[:, 2]).max() < 1e-9


@settings(max_examples=40, deadline=None)
@given(
    arrays(
        np.float64,
        (4, 2),
        elements=st.floats(-90.0, 90.0, allow_nan=False),
    ).map(lambda a: a * np.array([4.0, 1.0]))
)
def test_unit_vectors_are_unit_and_invert(X):
    sky = SkyCoordinateTransformer(output="unit_vector").fit(X)
    xyz = sky.transform(X)
    assert_allclose(np.linalg.norm(xyz, axis=1), 1.0, rtol=1e-12)
    back = sky.inverse_transform(xyz)
    assert _angular_distance_deg(back[:, 0], back[:, 1], X[:, 0], X[:, 1]).max() < 1e-9


def test_sky_columns_by_name_table_and_names():
    table = Table(
        {
            "objid": ["a", "b"],
            "ra": [0.0, 10.0],
            "dec": [90.0, -5.0],
            "z": [0.1, 0.2],
        }
    )
    sky = SkyCoordinateTransformer(output="sincos", columns=("ra", "dec"))
    with pytest.raises(ValueError, match="non-numeric value 'a' in column 'objid'"):
        sky.fit(table)  # the text column would pass through
    sky.set_params(remainder="drop").fit(table)
    assert list(sky.get_feature_names_out()) == ["sin_l", "cos_l", "sin_b", "cos_b"]
    keep = SkyCoordinateTransformer(columns=("ra", "dec")).set_output(
        transform="pandas"
    )
    frame = keep.fit_transform(table.to_pandas()[["ra", "dec", "z"]])
    assert list(frame.columns) == ["l", "b", "z"]
    ecl = SkyCoordinateTransformer(frame="ecliptic", output="unit_vector")
    names = ecl.fit(np.zeros((1, 2))).get_feature_names_out()
    assert list(names) == ["ecliptic_x", "ecliptic_y", "ecliptic_z"]


def test_dec_out_of_range_names_row_and_value():
    X = pd.DataFrame({"ra": [10.0, 20.0, 30.0], "dec": [10.0, 91.5, -95.0]})
    with pytest.raises(
        ValueError, match="dec = 91.5 in column 'dec' at row 1 \\(2 row"
    ):
        SkyCoordinateTransformer().fit(X)
    sky = SkyCoordinateTransformer().fit(X.iloc[:1])
    with pytest.raises(ValueError, match="expected a declination in degrees within"):
        sky.transform(X)
    lenient = SkyCoordinateTransformer(errors="nan").fit(X.iloc[:1])
    with pytest.warns(UserWarning, match="2 of 3 row\\(s\\) have a declination"):
        out = lenient.transform(X)
    assert np.isfinite(out[0]).all() and np.isnan(out[1:]).all()


@pytest.mark.parametrize(
    "params, X, match",
    [
        ({}, np.ones((3, 1)), "needs ra and dec columns; X has 1 feature\\(s\\)"),
        ({"columns": (0,)}, np.ones((3, 2)), "is not an \\(ra, dec\\) pair"),
        ({"columns": (1, 1)}, np.ones((3, 2)), "both ra and dec"),
        ({"columns": ("ra", "de")}, np.ones((3, 2)), "X has no column names"),
    ],
)
def test_sky_bad_parameters(params, X, match):
    with pytest.raises(ValueError, match=match):
        SkyCoordinateTransformer(**params).fit(X)


def test_sky_infinite_ra_rejected_and_nan_propagates():
    with pytest.raises(
        ValueError, match="infinite value \\(inf\\) in column 'x0' at row 0"
    ):
        SkyCoordinateTransformer().fit([[np.inf, 0.0]])
    out = SkyCoordinateTransformer().fit_transform([[np.nan, 0.0], [0.0, 0.0]])
    assert np.isnan(out[0]).all() and np.isfinite(out[1]).all()


# --- the deprecated name `invalid` for `errors` -------------------------------


@pytest.mark.parametrize("policy", ["raise", "nan"])
def test_invalid_still_sets_the_policy_with_a_future_warning(policy):
    # `errors` is the bad-value policy across skastro; `invalid` keeps working
    # for one release, with the same values, and points to the new name
    X = pd.DataFrame({"ra": [10.0, 20.0], "dec": [10.0, 95.0]})
    with pytest.warns(FutureWarning, match="'invalid' was renamed 'errors'"):
        sky = SkyCoordinateTransformer(invalid=policy).fit(X.iloc[:1])
    assert sky.errors_ == policy
    if policy == "raise":
        with pytest.raises(ValueError, match="dec = 95.0 in column 'dec' at row 1"):
            sky.transform(X)
    else:
        with pytest.warns(UserWarning, match="1 of 2 row\\(s\\) have a declination"):
            out = sky.transform(X)
        assert np.isfinite(out[0]).all() and np.isnan(out[1]).all()


def test_invalid_and_errors_together_are_refused():
    sky = SkyCoordinateTransformer(errors="nan", invalid="nan")
    with pytest.raises(ValueError, match="both 'errors' and its deprecated"):
        sky.fit([[0.0, 0.0]])


def test_out_of_range_warning_points_at_the_caller():
    sky = SkyCoordinateTransformer(errors="nan").fit([[0.0, 0.0]])
    with pytest.warns(UserWarning, match="declination outside") as record:
        sky.transform([[0.0, 95.0]])
    assert record[0].filename == __file__
