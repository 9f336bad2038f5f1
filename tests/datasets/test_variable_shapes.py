"""make_light_curves: the variable-star classes and the survey cadences."""

import numpy as np
import pytest
from astropy.timeseries import LombScargle

from skastro.datasets import make_light_curves
from skastro.datasets._variable_shapes import (
    _GRID,
    contact_profile,
    eclipse_profile,
)

UGRIZ = tuple("ugriz")
KINDS = ("rrlyrae", "eclipsing", "multiperiodic")

# documented period range [days] of the dominant (or orbital) period per subtype
PERIOD_RANGES = {
    "RRab": (0.45, 0.9),
    "RRc": (0.25, 0.45),
    "detached": (0.5, 10.0),
    "contact": (0.25, 0.7),
    "RRd": (0.46 * 0.742, 0.56 * 0.748),
    "dSct": (0.05, 0.25),
}


def _lcs(n=60, cadence="dense", classes=KINDS, **kw):
    return make_light_curves(
        n, classes=classes, bands=UGRIZ, cadence=cadence, random_state=0, **kw
    )


def test_periods_and_subtypes_in_documented_ranges():
    lcs = _lcs(150, cadence="sparse")
    names = lcs.target_names[lcs.target]
    assert set(lcs.subtypes) == set(PERIOD_RANGES)
    for sub, (lo, hi) in PERIOD_RANGES.items():
        p = lcs.periods[lcs.subtypes == sub]
        assert ((p >= lo) & (p <= hi)).all(), (sub, p)
    # each subtype belongs to its class
    parent = {"RRab": 0, "RRc": 0, "detached": 1, "contact": 1, "RRd": 2, "dSct": 2}
    assert all(parent[s] == c for s, c in zip(lcs.subtypes, lcs.target))
    # secondary periods only for the multi-periodic stars, at the documented
    # mode ratios: RRd fundamental = overtone / 0.742-0.748; delta Scuti first
    # overtone 0.756-0.787 and second overtone 0.611-0.632 of the fundamental
    sec = lcs.secondary_periods
    assert np.isnan(sec[names != "multiperiodic"]).all()
    rrd, dsct = lcs.subtypes == "RRd", lcs.subtypes == "dSct"
    ratio = lcs.periods[rrd] / sec[rrd, 0]
    assert ((ratio > 0.742) & (ratio < 0.748)).all() and np.isnan(sec[rrd, 1]).all()
    ratio1 = sec[dsct, 0] / lcs.periods[dsct]
    assert ((ratio1 > 0.756) & (ratio1 < 0.787)).all()
    ratio2 = sec[dsct, 1] / lcs.periods[dsct]
    has_third = np.isfinite(ratio2)
    assert 0 < has_third.sum() < dsct.sum()
    assert ((ratio2[has_third] > 0.611) & (ratio2[has_third] < 0.632)).all()
    # modes of a delta Scuti star span 0.03-0.25 d
    assert np.nanmin(sec[dsct]) >= 0.03


def test_rrlyrae_amplitudes_fall_to_the_red():
    # dense visits see every band at the same phase, so with tiny noise the
    # per-band peak-to-peak ratios are the documented amplitude ratios to g
    lcs = _lcs(20, classes=("rrlyrae",), noise=1e-4)
    expected = np.array([1.0, 1.0, 0.75, 0.6, 0.55])
    for lc in lcs.data:
        ptp = np.array([np.ptp(lc[lc[:, 3] == b, 1]) for b in range(5)])
        np.testing.assert_allclose(ptp / ptp[1], expected, atol=0.01)
    amp_g = np.array([np.ptp(lc[lc[:, 3] == 1, 1]) for lc in lcs.data])
    # V (= g) amplitudes 0.3-1.2 mag (RRc from 0.3, RRab up to 1.2)
    assert amp_g.min() > 0.2 and amp_g.max() <= 1.2


def test_rrab_is_a_fast_rise_slow_decline():
    # the brightening (faintest to brightest point) is short and the decline
    # long, as in real RRab light curves (rise time ~0.15-0.2 of the cycle; a
    # pre-minimum bump can make the faintest point come earlier)
    lcs = _lcs(40, classes=("rrlyrae",), noise=1e-4, n_points=400)
    rise = []
    for lc, sub, period in zip(lcs.data, lcs.subtypes, lcs.periods):
        if sub == "RRab":
            g = lc[lc[:, 3] == 1]
            phase = (g[:, 0] / period) % 1.0
            rise.append((phase[np.argmin(g[:, 1])] - phase[np.argmax(g[:, 1])]) % 1)
    assert len(rise) >= 20 and max(rise) < 0.4 and 0.15 < np.median(rise) < 0.25


def test_eclipse_profiles_have_minima_at_orbital_phases():
    # detached: the faintest light at phase 0, the second eclipse at 0.5,
    # out of eclipse (phase 0.25) only the weak ellipsoidal light
    y = eclipse_profile(_GRID, 0.8, 0.3, 0.05, 0.02)
    assert _GRID[np.argmax(y)] == 0.0
    assert y[_GRID == 0.5][0] == pytest.approx(0.3 + 0.02)
    assert y[_GRID == 0.25][0] == pytest.approx(0.0)
    # contact: two minima of light at phases 0 and 0.5, the one at 0 deeper,
    # maxima of light at the quadratures
    y = contact_profile(_GRID, 0.5, 0.04, 0.1)
    assert np.ptp(y) == pytest.approx(0.5)
    assert _GRID[np.argmax(y)] == 0.0
    half = _GRID >= 0.25
    assert _GRID[half][np.argmax(y[half] * (_GRID[half] < 0.75))] == 0.5
    assert 0 < y[0] - y[_GRID == 0.5][0] < 0.08 * 0.5


def test_eclipsing_folds_at_the_orbital_period():
    lcs = _lcs(40, classes=("eclipsing",), noise=1e-3, n_points=300)
    for lc, sub, period in zip(lcs.data, lcs.subtypes, lcs.periods):
        g = lc[lc[:, 3] == 1]
        phase = (g[:, 0] / period) % 1.0
        faint = phase[np.argmax(g[:, 1])]
        d = (phase - faint + 0.5) % 1.0 - 0.5  # phase from the deepest point
        level = np.median(g[np.abs(np.abs(d) - 0.25) < 0.02, 1])
        # the light half an orbit later is fainter than at quadrature: the
        # secondary eclipse (or minimum) lies at the opposite orbital phase
        assert np.median(g[np.abs(np.abs(d) - 0.5) < 0.01, 1]) > level + 0.02, sub


def test_lomb_scargle_finds_half_the_contact_orbital_period():
    # the documented caveat: two nearly equal minima per orbit put the
    # periodogram's top peak at half the orbital period
    lcs = make_light_curves(
        40, classes=("eclipsing",), bands=("g",), n_points=150, random_state=0
    )
    halves = []
    for lc, sub, period in zip(lcs.data, lcs.subtypes, lcs.periods):
        if sub != "contact":
            continue
        freq, power = LombScargle(lc[:, 0], lc[:, 1], lc[:, 2]).autopower(
            minimum_frequency=0.5, maximum_frequency=10.0, samples_per_peak=10
        )
        halves.append(abs(1 / freq[np.argmax(power)] / (period / 2) - 1) < 0.01)
    assert len(halves) >= 10 and np.mean(halves) >= 0.8


def test_dense_cadence_all_bands_each_visit():
    lcs = _lcs(20, classes=("rrlyrae", "constant"))
    for lc in lcs.data:
        night = np.floor(lc[:, 0])
        counts = np.bincount(lc[:, 3].astype(int), minlength=5)
        # the same 45-55 epochs in every band, one visit per night, each
        # visit observing the five bands
        assert counts.min() == counts.max() and 45 <= counts[0] <= 55
        assert np.unique(night).size == counts[0]
        for n in np.unique(night):
            assert sorted(lc[night == n, 3]) == [0, 1, 2, 3, 4]
        # an 8-10 year baseline with a seasonal gap each year
        assert 7 * 365 < np.ptp(lc[:, 0]) < 10 * 365.25
        assert (np.diff(np.unique(night)) > 200).sum() >= 5
        assert np.all(np.diff(lc[:, 0]) >= 0)


def test_sparse_cadence_one_band_per_night():
    lcs = _lcs(20, cadence="sparse", classes=("multiperiodic", "periodic"))
    for lc in lcs.data:
        night = np.floor(lc[:, 0])
        counts = np.bincount(lc[:, 3].astype(int), minlength=5)
        assert counts.min() == counts.max() and 8 <= counts[0] <= 12
        assert np.unique(night).size == len(lc)  # one observation per night
        assert np.ptp(lc[:, 0]) < 3 * 365.25
        assert np.all(np.diff(lc[:, 0]) >= 0)


def test_survey_cadence_n_points_counts_epochs_per_band():
    lcs = make_light_curves(
        6, classes=("eclipsing",), bands=("g", "r"), cadence="sparse",
        n_points=(15, 20), random_state=0,
    )  # fmt: skip
    for lc in lcs.data:
        counts = np.bincount(lc[:, 3].astype(int))
        assert counts[0] == counts[1] and 15 <= counts[0] <= 20
    # more epochs than a 1-3 year sparse survey has nights: the baseline
    # grows by whole seasons instead of repeating a night
    lc = make_light_curves(
        1, classes=("constant",), bands=UGRIZ, cadence="sparse", n_points=300,
        random_state=0,
    ).data[0]  # fmt: skip
    assert len(lc) == 1500 and np.unique(np.floor(lc[:, 0])).size == 1500


@pytest.mark.parametrize("cadence", ["dense", "sparse", "ztf"])
def test_variable_classes_reproducible(cadence):
    a = _lcs(12, cadence=cadence)
    b = _lcs(12, cadence=cadence)
    c = make_light_curves(
        12, classes=KINDS, bands=UGRIZ, cadence=cadence, random_state=1
    )
    for x, y in zip(a.data, b.data):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.periods, b.periods)
    np.testing.assert_array_equal(a.subtypes, b.subtypes)
    assert not np.array_equal(a.periods, c.periods)


def test_default_classes_carry_their_names_as_subtypes():
    lcs = make_light_curves(8, random_state=0)
    np.testing.assert_array_equal(lcs.subtypes, lcs.target_names[lcs.target])
    assert np.isnan(lcs.secondary_periods).all()
    assert lcs.secondary_periods.shape == (8, 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"classes": ("rrlyrae", "cepheid")}, r"multiperiodic.*cepheid"),
        ({"classes": ("rrlyrae", "rrlyrae")}, "distinct"),
        ({"cadence": "stripe82"}, r"cadence.*dense"),
        ({"cadence": "sparse", "n_points": 0}, "n_points"),
        ({"cadence": "dense", "n_points": (10, 5)}, r"n_points.*\(10, 5\)"),
        ({"cadence": "dense", "n_points": (10, 12.5)}, "n_points"),
    ],
)
def test_variable_classes_bad_params(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_light_curves(4, **kwargs)
