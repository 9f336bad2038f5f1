import numpy as np
import pytest
from astropy.timeseries import LombScargle
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score

from skastro.datasets import make_cutouts, make_light_curves
from skastro.datasets._generators import PERIOD_RANGE


def _best_period(lc, samples_per_peak):
    t, m, e, band = lc.T
    m = m.copy()
    for k in np.unique(band):  # remove each band's colour offset
        m[band == k] -= np.median(m[band == k])
    freq, power = LombScargle(t, m, e).autopower(
        minimum_frequency=1 / (2 * PERIOD_RANGE[1]),
        maximum_frequency=1.2 / PERIOD_RANGE[0],
        samples_per_peak=samples_per_peak,
        method="fast",
    )
    return 1 / freq[np.argmax(power)]


@pytest.mark.parametrize(
    "cadence, n, samples_per_peak", [("uniform", 25, 10), ("ztf", 8, 5)]
)
def test_periods_recovered_by_lomb_scargle(cadence, n, samples_per_peak):
    lcs = make_light_curves(
        n, classes=("periodic",), cadence=cadence, n_points=(80, 150), random_state=3
    )
    assert np.isfinite(lcs.periods).all()
    found = np.array([_best_period(lc, samples_per_peak) for lc in lcs.data])
    rel = np.abs(found - lcs.periods) / lcs.periods
    # stated threshold: at least 80 % of the periods within 1 %
    assert np.mean(rel < 0.01) >= 0.8, rel


def test_make_light_curves_structure():
    lcs = make_light_curves(
        40, bands=("g", "r", "i"), n_points=(20, 60), random_state=0
    )
    assert len(lcs.data) == len(lcs.target) == len(lcs.periods) == 40
    assert lcs.bands == ["g", "r", "i"]
    assert lcs.target_names.tolist() == [
        "periodic", "transient", "stochastic", "constant"
    ]  # fmt: skip
    assert np.bincount(lcs.target).tolist() == [10, 10, 10, 10]
    periodic = lcs.target == 0
    assert np.isfinite(lcs.periods[periodic]).all()
    assert np.isnan(lcs.periods[~periodic]).all()
    for lc in lcs.data:
        assert lc.dtype == np.float64 and lc.shape[1] == 4
        assert 20 <= len(lc) <= 60
        assert np.all(np.diff(lc[:, 0]) >= 0)
        assert set(np.unique(lc[:, 3])) <= {0.0, 1.0, 2.0}
        assert (lc[:, 2] > 0).all()


def test_make_light_curves_reproducible():
    a = make_light_curves(12, random_state=42)
    b = make_light_curves(12, random_state=42)
    c = make_light_curves(12, random_state=43)
    for x, y in zip(a.data, b.data):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.target, b.target)
    assert not all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(a.data, c.data)
    )


def test_make_light_curves_weights_and_classes():
    lcs = make_light_curves(
        100, classes=("constant", "transient"), weights=[0.9, 0.1], random_state=0
    )
    assert np.bincount(lcs.target).tolist() == [90, 10]
    assert np.isnan(lcs.periods).all()


def test_make_light_curves_signal_amplitudes():
    # the classes differ in the way they are documented to
    lcs = make_light_curves(
        80, bands=("r",), n_points=100, noise=0.01, cadence="uniform", random_state=1
    )
    spread = np.array([np.ptp(lc[:, 1]) for lc in lcs.data])
    names = lcs.target_names[lcs.target]
    assert np.median(spread[names == "constant"]) < 0.2
    assert np.median(spread[names == "periodic"]) > 0.3
    # a transient's brightest point is well above its median (magnitudes)
    tr = [lc for lc, n in zip(lcs.data, names) if n == "transient"]
    assert np.median([np.median(lc[:, 1]) - lc[:, 1].min() for lc in tr]) > 0.5


def test_make_light_curves_cadences_have_seasonal_gaps():
    for cadence in ("ztf", "lsst"):
        lcs = make_light_curves(
            5, cadence=cadence, n_points=200, classes=("constant",), random_state=0
        )
        for lc in lcs.data:
            gaps = np.diff(lc[:, 0])
            baseline = lc[-1, 0] - lc[0, 0]
            if baseline > 400:
                assert gaps.max() > 60  # a season gap of several months


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"classes": ("periodic", "flare")}, "flare"),
        ({"cadence": "tess"}, "cadence"),
        ({"n_points": (50, 10)}, r"n_points.*\(50, 10\)"),
        ({"weights": [1, 2, 3]}, "weights has 3 values"),
        ({"noise": 0.0}, "noise"),
        ({"bands": ("g", "g")}, "bands"),
    ],
)
def test_make_light_curves_bad_params(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_light_curves(4, **kwargs)


def test_make_cutouts_shapes_and_reproducible():
    X, y = make_cutouts(30, size=25, real_fraction=0.3, random_state=0)
    assert X.shape == (30, 25, 25, 3) and X.dtype == np.float32
    assert y.sum() == 9 and set(np.unique(y)) == {0, 1}
    X2, y2 = make_cutouts(30, size=25, real_fraction=0.3, random_state=0)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X1, _ = make_cutouts(4, size=25, channels=1, random_state=0)
    assert X1.shape == (4, 25, 25, 1)


def test_make_cutouts_difference_channel_and_classes_learnable():
    X, y = make_cutouts(300, size=21, random_state=1)
    np.testing.assert_allclose(X[..., 2], X[..., 0] - X[..., 1], atol=1e-4)
    # real: a positive PSF near the centre of the difference image
    centre = X[:, 8:13, 8:13, 2].sum(axis=(1, 2))
    assert np.median(centre[y == 1]) > 10
    # the classes are separable from four simple statistics of the
    # difference image (flux at the centre, deepest negative pixel, sharpness,
    # brightest column), as a real/bogus classifier would need
    d = X[..., 2].astype(np.float64)
    feats = np.column_stack(
        [
            centre,
            d[:, 7:14, 7:14].min(axis=(1, 2)),
            d.max(axis=(1, 2)) / np.maximum(np.abs(centre), 1),
            d.mean(axis=1).max(axis=1),
        ]
    )
    acc = cross_val_score(LogisticRegression(max_iter=1000), feats, y, cv=3)
    assert acc.mean() > 0.85, acc


def test_make_cutouts_bad_params():
    with pytest.raises(ValueError, match="real_fraction"):
        make_cutouts(4, real_fraction=1.5)
    with pytest.raises(ValueError, match="size"):
        make_cutouts(4, size=2)
