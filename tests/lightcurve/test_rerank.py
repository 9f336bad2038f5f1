"""period_best: re-ranked candidates, refined frequency, bad input.

Asserted: the best period of a clean curve is its true period, closer than
the raw grid peak; a double-period shape picked from the half-period peak
is flagged as not the raw top peak; the prewhitened period_1 finds a second
signal; curves too short give fill_value, and a band without points leaves
the multi-band best period to the other bands.
"""

import numpy as np

from skastro.lightcurve import LightCurveFeatures, feature_definitions


def _curve(period, n=150, seed=0, shape=None, span=200.0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, span, n))
    x = 2 * np.pi * t / period
    y = 15 + (np.sin(x) if shape is None else shape(x)) + rng.normal(0, 0.05, n)
    return np.column_stack([t, y, np.full(n, 0.05)])


def test_best_period_is_true_period_and_more_precise_than_the_peak():
    # the refined best period is nearer the truth than the grid peak
    curve = _curve(2.345)
    lcf = LightCurveFeatures(
        features=["period_0", "period_best", "period_best_chi2_reduction"],
        min_period=0.5,
        oversampling=2.0,
    )
    p0, best, red = lcf.fit_transform([curve])[0]
    assert abs(best - 2.345) < abs(p0 - 2.345)
    assert abs(best / 2.345 - 1) < 1e-4
    assert red > 0.95


def test_unequal_minima_pick_the_double_period_and_flag_it():
    # an eclipsing-like curve with unequal minima peaks at half its period;
    # the harmonic fit picks the full period, flagged as not period_0
    def shape(x):
        return np.cos(2 * x) + 0.3 * np.cos(x)

    curve = _curve(3.1, n=200, shape=shape)
    lcf = LightCurveFeatures(
        features=["period_0", "period_best", "period_best_is_alias"], min_period=0.5
    )
    p0, best, alias = lcf.fit_transform([curve])[0]
    assert abs(p0 / 1.55 - 1) < 0.01
    assert abs(best / 3.1 - 1) < 0.001
    assert alias == 1.0


def test_period_1_is_the_prewhitened_second_signal():
    # period_1 is the second sinusoid, not an alias of the first
    def shape(x):
        return np.sin(x) + 0.4 * np.sin(x * 2.345 / 0.731)

    curve = _curve(2.345, n=300, shape=shape)
    lcf = LightCurveFeatures(features=["period_0", "period_1"], min_period=0.3)
    p0, p1 = lcf.fit_transform([curve])[0]
    assert abs(p0 / 2.345 - 1) < 0.01
    assert abs(p1 / 0.731 - 1) < 0.01


def test_too_few_points_and_empty_band_give_fill_value():
    # 4 points: no best period (min_points 5), no exception; a band with no
    # points gets fill_value, the multi-band best period uses the other band
    rng = np.random.default_rng(1)
    short = np.column_stack([np.sort(rng.uniform(0, 30, 4)), rng.normal(15, 1, 4)])
    lcf = LightCurveFeatures(features=["period_best", "period_1"], fill_value=-9.0)
    X = lcf.fit_transform([short, _curve(1.7)])
    best = lcf.get_feature_names_out().tolist().index("period_best")
    assert (X[0] == -9.0).all() and abs(X[1, best] / 1.7 - 1) < 1e-3
    curve = _curve(1.7)
    g = np.column_stack([curve, np.zeros(len(curve))])
    lcf = LightCurveFeatures(
        features=["period_best", "period_multiband_best"],
        bands=[0, 1],
        fill_value=-9.0,
    )
    X = lcf.fit_transform([g])
    names = lcf.get_feature_names_out().tolist()
    assert X[0, names.index("period_best_1")] == -9.0
    assert abs(X[0, names.index("period_multiband_best")] / 1.7 - 1) < 1e-3


def test_new_features_are_in_all_and_not_in_fast():
    # "all" has the best periods (per band and multi-band), "fast" none
    all_ = feature_definitions(bands=["g", "r"])
    assert "period_best_g" in all_ and "period_multiband_best" in all_
    assert "period_multiband_best_is_alias" in all_
    assert not any("period" in n for n in feature_definitions("fast", bands=["g", "r"]))


def test_entropy_scorer_finds_the_period():
    # the conditional entropy scorer ranks the true period first too
    curve = _curve(2.345)
    lcf = LightCurveFeatures(features=["period_best"], period_scorer="entropy")
    assert abs(lcf.fit_transform([curve])[0, 0] / 2.345 - 1) < 1e-3


def test_visits_count_the_bands_of_one_epoch_once():
    # the BIC's evidence unit: five bands 72 s apart are one visit, a second
    # point of a band already in the visit opens a new one (continuous
    # single-band photometry keeps one visit per point), and a gap of
    # VISIT_GAP or more opens a new one whatever the band
    from skastro.lightcurve._features.periodogram.rerank import VISIT_GAP, _n_visits

    epochs = np.array([0.0, 1.3, 2.7])
    tr = (epochs[:, None] + np.arange(5) * 72 / 86400).ravel()
    band = np.tile(np.arange(5), 3)
    assert _n_visits(tr, band, 5, VISIT_GAP) == 3
    cadence = np.arange(50) * 2 / 1440  # 2-minute cadence, one band
    assert _n_visits(cadence, np.zeros(50, dtype=np.int64), 1, VISIT_GAP) == 50
    pair = np.array([0.0, 1.5 * VISIT_GAP])
    assert _n_visits(pair, np.array([0, 1]), 2, VISIT_GAP) == 2
