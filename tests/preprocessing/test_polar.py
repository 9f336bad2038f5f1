"""Tests of skastro.preprocessing._polar: PolarTransformer."""

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from skastro.preprocessing import PolarTransformer

coords = st.floats(-1e3, 1e3, allow_nan=False)


# --- PolarTransformer --------------------------------------------------------


def test_polar_known_values():
    X = np.array([[3.0, 4.0], [0.0, -2.0], [-1.0, 0.0], [0.0, 0.0]])
    out = PolarTransformer().fit_transform(X)
    assert_allclose(out[:, 0], [5.0, 2.0, 1.0, 0.0])
    assert_allclose(out[:, 1], [np.arctan(4 / 3), -np.pi / 2, np.pi, 0.0])
    deg = PolarTransformer(angle="degrees").fit_transform(X)
    assert_allclose(deg[:, 1], [np.degrees(np.arctan(4 / 3)), -90.0, 180.0, 0.0])
    sc = PolarTransformer(angle="sincos").fit_transform(X)
    assert_allclose(sc[:, 1:], [[0.8, 0.6], [-1.0, 0.0], [0.0, -1.0], [0.0, 1.0]])


def test_polar_center_and_several_pairs():
    X = pd.DataFrame(
        {"x": [2.0, 1.0], "y": [1.0, 3.0], "vx": [0.0, -4.0], "vy": [5.0, -3.0]}
    )
    polar = PolarTransformer(
        pairs=[("x", "y"), ("vx", "vy")], center=[[1.0, 1.0], [0.0, 0.0]]
    ).fit(X)
    assert list(polar.get_feature_names_out()) == [
        "r_x_y",
        "theta_x_y",
        "r_vx_vy",
        "theta_vx_vy",
    ]
    out = polar.transform(X)
    assert_allclose(out[:, 0], [1.0, 2.0])
    assert_allclose(out[:, 1], [0.0, np.pi / 2])
    assert_allclose(out[:, 2], [5.0, 5.0])
    consecutive = PolarTransformer(pairs="consecutive", center=[[1, 1], [0, 0]])
    assert_array_equal(consecutive.fit_transform(X.to_numpy()), out)


def test_polar_remainder_passthrough_and_drop():
    X = pd.DataFrame({"id": [7.0, 8.0], "x": [1.0, 0.0], "y": [0.0, 1.0]})
    keep = PolarTransformer(pairs=[("x", "y")]).set_output(transform="pandas")
    frame = keep.fit_transform(X)
    assert list(frame.columns) == ["r_x_y", "theta_x_y", "id"]
    assert_array_equal(frame["id"], X["id"])
    drop = PolarTransformer(pairs=[(1, 2)], remainder="drop").fit(X)
    assert drop.transform(X).shape == (2, 2)
    back = drop.inverse_transform(drop.transform(X))
    assert np.isnan(back[:, 0]).all()
    assert_allclose(back[:, 1:], X[["x", "y"]], atol=1e-15)


def test_polar_accepts_astropy_table():
    table = Table({"x": [3.0, -1.0], "y": [4.0, 0.0], "name": ["a", "b"]})
    polar = PolarTransformer(pairs=[("x", "y")], remainder="drop").fit(table)
    assert_allclose(polar.transform(table)[:, 0], [5.0, 1.0])


@pytest.mark.parametrize("angle", ["radians", "degrees", "sincos"])
@pytest.mark.parametrize("remainder", ["passthrough", "drop"])
def test_polar_round_trip(angle, remainder):
    rng = np.random.default_rng(2)
    X = rng.normal(scale=10, size=(30, 5))
    polar = PolarTransformer(
        pairs=[(0, 3), (4, 1)], center=(1.5, -2.0), angle=angle, remainder=remainder
    ).fit(X)
    back = polar.inverse_transform(polar.transform(X))
    used = [0, 1, 3, 4] if remainder == "drop" else list(range(5))
    assert_allclose(back[:, used], X[:, used], rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (6, 2), elements=coords),
    st.floats(-np.pi, np.pi),
    st.tuples(coords, coords),
)
def test_r_invariant_under_rotation_about_center(X, phi, center):
    c = np.asarray(center)
    rot = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
    rotated = (X - c) @ rot.T + c
    polar = PolarTransformer(center=center, angle="sincos")
    r, r_rot = polar.fit_transform(X), polar.fit_transform(rotated)
    assert_allclose(r_rot[:, 0], r[:, 0], rtol=1e-9, atol=1e-9)
    # and theta turns by phi: (cos, sin) rotate like the points
    moved = r[:, 0] > 1e-6 * (1 + np.abs(X).max())
    expected_sin = r[:, 1] * np.cos(phi) + r[:, 2] * np.sin(phi)
    assert_allclose(r_rot[moved, 1], expected_sin[moved], atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (5, 4), elements=coords))
def test_polar_round_trip_property(X):
    polar = PolarTransformer(pairs="consecutive", angle="degrees").fit(X)
    assert_allclose(polar.inverse_transform(polar.transform(X)), X, atol=1e-9)


def test_rings_become_linearly_separable():
    rng = np.random.default_rng(3)
    n = 200
    radius = np.r_[rng.normal(1.0, 0.1, n), rng.normal(3.0, 0.1, n)]
    phase = rng.uniform(-np.pi, np.pi, 2 * n)
    X = np.column_stack([radius * np.cos(phase), radius * np.sin(phase)])
    y = np.r_[np.zeros(n), np.ones(n)]
    flat = cross_val_score(LogisticRegression(), X, y, cv=3).mean()
    polar = cross_val_score(
        make_pipeline(PolarTransformer(angle="sincos"), LogisticRegression()),
        X,
        y,
        cv=3,
    ).mean()
    assert flat < 0.7 < 0.99 < polar, (flat, polar)


@pytest.mark.parametrize(
    "params, X, match",
    [
        ({}, np.ones((3, 1)), "needs \\(x, y\\) column pairs; X has 1 feature\\(s\\)"),
        ({"pairs": "consecutive"}, np.ones((3, 5)), "X has 5 feature\\(s\\), an odd"),
        ({"pairs": [(0, 1), (1, 2)]}, np.ones((3, 4)), "use a column twice"),
        ({"pairs": [(0, 1, 2)]}, np.ones((3, 4)), "is not an \\(x, y\\) pair"),
        ({"pairs": [(0, 7)]}, np.ones((3, 4)), "column index 7 given in pairs"),
        ({"pairs": [("x", "y")]}, np.ones((3, 2)), "X has no column names"),
        ({"center": (1, 2, 3)}, np.ones((3, 2)), "center \\(1, 2, 3\\) has shape"),
        ({"center": (np.nan, 0)}, np.ones((3, 2)), "expected finite numbers"),
    ],
)
def test_polar_bad_input(params, X, match):
    with pytest.raises(ValueError, match=match):
        PolarTransformer(**params).fit(X)


def test_polar_bad_values_name_column_and_row():
    X = pd.DataFrame({"x": [1.0, 2.0], "y": [0.0, np.inf]})
    with pytest.raises(
        ValueError, match="infinite value \\(inf\\) in column 'y' at row 1"
    ):
        PolarTransformer().fit(X)
    X = pd.DataFrame({"x": [1.0, "far"], "y": [0.0, 1.0]})
    with pytest.raises(
        ValueError, match="non-numeric value 'far' in column 'x' at row 1"
    ):
        PolarTransformer().fit(X)
    polar = PolarTransformer().fit(np.ones((2, 3)))
    with pytest.raises(ValueError, match="expecting 3 features as input"):
        polar.inverse_transform(np.ones((2, 2)))


def test_polar_nan_propagates():
    out = PolarTransformer(angle="sincos").fit_transform([[np.nan, 1.0], [1.0, 0.0]])
    assert np.isnan(out[0]).all()
    assert_allclose(out[1], [1.0, 0.0, 1.0])
