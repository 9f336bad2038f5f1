"""LightCurveGPAugmenter: seeding, cadence, GP fidelity, pipelines, bad input."""

import pickle
from collections import Counter

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from sklearn.linear_model import LogisticRegression

from skastro.lightcurve import (
    LightCurveFeatures,
    LightCurveGPAugmenter,
    LightCurveSequence,
    from_long_table,
)
from skastro.utils._testing import check_instance, expected_failed_checks


def _curves(n_major=6, n_minor=2, n_points=40, bands=None, seed=0):
    """Sinusoids: class 0 of period 2, class 1 (the minority) of period 5."""
    rng = np.random.default_rng(seed)
    curves, y = [], []
    for period, n in ((2.0, n_major), (5.0, n_minor)):
        for _ in range(n):
            t = np.sort(rng.uniform(0, 30, n_points))
            m = 15 + np.sin(2 * np.pi * t / period) + rng.normal(0, 0.05, n_points)
            cols = [t, m, np.full(n_points, 0.05)]
            if bands is not None:
                cols.append(rng.choice(bands, n_points))
            curves.append(np.column_stack(cols))
            y.append(int(period == 5.0))
    return curves, np.array(y)


def _assert_same(a, b):
    for name in ("time", "mag", "err", "band", "offsets"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.ids.tolist() == b.ids.tolist()


def test_same_seed_same_sequences_and_other_seed_differs():
    X, y = _curves()
    a, ya = LightCurveGPAugmenter(random_state=3).fit_resample(X, y)
    b, yb = LightCurveGPAugmenter(random_state=3).fit_resample(X, y)
    c, _ = LightCurveGPAugmenter(random_state=4).fit_resample(X, y)
    _assert_same(a, b)
    np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a.mag[a.offsets[8] :], c.mag[c.offsets[8] :])


def test_originals_first_then_new_ids_and_balanced_counts():
    X, y = _curves()
    X_res, y_res = LightCurveGPAugmenter(random_state=0).fit_resample(X, y)
    assert isinstance(X_res, LightCurveSequence)
    assert Counter(y_res.tolist()) == {0: 6, 1: 6}
    for i, curve in enumerate(X):  # the originals come back unchanged
        np.testing.assert_array_equal(X_res[i]["time"], curve[:, 0])
        np.testing.assert_array_equal(X_res[i]["mag"], curve[:, 1])
    new_ids = X_res.ids[8:].tolist()
    assert sorted(new_ids) == ["6_aug0", "6_aug1", "7_aug0", "7_aug1"]
    assert (y_res[8:] == 1).all()


def test_cadence_and_shift_lie_within_the_documented_range():
    # each new curve keeps keep_fraction of its template's epochs, jittered
    # within the observed span, and the whole curve is shifted by at most
    # time_shift: its times lie within [t_min - shift, t_max + shift]
    X, y = _curves(n_minor=1, n_points=50)
    aug = LightCurveGPAugmenter(
        keep_fraction=(0.4, 0.6), time_jitter=0.3, time_shift=5.0, random_state=0
    )
    X_res, _ = aug.fit_resample(X, y)
    t0 = X[6][:, 0]
    shifts = []
    for k in range(7, len(X_res)):
        t = X_res[k]["time"]
        assert 20 <= t.shape[0] <= 30  # 40 % to 60 % of 50 epochs
        assert np.all(np.diff(t) >= 0)
        assert t.min() >= t0.min() - 5.0 and t.max() <= t0.max() + 5.0
        shifts.append(np.median(t) - np.median(t0))
    assert np.ptp(shifts) > 1.0  # the shifts vary between curves


def test_noiseless_sinusoid_realisations_stay_within_the_noise():
    # a finely sampled sinusoid with tiny errors: the GP posterior pins the
    # latent curve, so each draw differs from the truth by about the drawn
    # noise (0.01) only, far below the amplitude 1
    t = np.linspace(0, 20, 200)
    truth = lambda t: 10 + np.sin(2 * np.pi * t / 4.0)  # noqa: E731
    err = np.full(200, 0.01)
    X = [np.column_stack([t, truth(t), err])] + [
        np.column_stack([t, truth(t) + 0.5, err])
    ] * 3
    y = np.array([1, 0, 0, 0])
    aug = LightCurveGPAugmenter(keep_fraction=0.5, time_jitter=0.05, random_state=0)
    X_res, _ = aug.fit_resample(X, y)
    for k in range(4, len(X_res)):
        curve = X_res[k]
        resid = curve["mag"] - truth(curve["time"])
        assert np.sqrt(np.mean(resid**2)) < 0.03
        assert np.max(np.abs(resid)) < 0.06


def test_multiband_keeps_band_labels_and_ids():
    X, y = _curves(bands=[1, 2])
    seq_in = from_long_table(
        {
            "id": np.repeat([f"o{i}" for i in range(len(X))], [len(c) for c in X]),
            "time": np.concatenate([c[:, 0] for c in X]),
            "mag": np.concatenate([c[:, 1] for c in X]),
            "err": np.concatenate([c[:, 2] for c in X]),
            "band": np.concatenate([c[:, 3] for c in X]).astype(int),
        },
        id="id",
        time="time",
        mag="mag",
        err="err",
        band="band",
    )
    X_res, y_res = LightCurveGPAugmenter(random_state=0).fit_resample(seq_in, y)
    assert set(np.unique(X_res.band).tolist()) == {1, 2}
    assert X_res.ids[8:].tolist()[0].startswith("o")
    feats = LightCurveFeatures(features=["mean"]).fit_transform(X_res)
    assert feats.shape == (12, 2) and np.isfinite(feats).all()


def test_pipeline_resamples_at_fit_only():
    X, y = _curves(n_major=8, n_minor=3)
    pipe = Pipeline(
        [
            ("augment", LightCurveGPAugmenter(random_state=0)),
            ("features", LightCurveFeatures(features=["std", "mean"])),
            ("clf", LogisticRegression()),
        ]
    )
    pipe.fit(X, y)
    assert pipe.named_steps["augment"].sampling_strategy_ == {1: 5}
    assert pipe.predict(X).shape == (11,)  # predict sees the 11 originals
    assert pipe.predict_proba(X[:4]).shape == (4, 2)


def test_min_count_strategy_and_dict():
    X, y = _curves(n_major=6, n_minor=2)
    aug = LightCurveGPAugmenter(sampling_strategy=4, random_state=0)
    _, y_res = aug.fit_resample(X, y)
    assert aug.sampling_strategy_ == {1: 2}
    assert Counter(y_res.tolist()) == {0: 6, 1: 4}
    aug.set_params(sampling_strategy={1: 9})
    _, y_res = aug.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 6, 1: 9}


def test_regular_2d_array_gets_rows_on_its_grid():
    X, y = _curves(n_points=30)
    regular = np.vstack([c[:, 1] for c in X])  # 30 epochs at times 0..29
    aug = LightCurveGPAugmenter(keep_fraction=0.5, time_shift=3.0, random_state=0)
    X_res, y_res = aug.fit_resample(regular, y)
    assert X_res.shape == (12, 30) and y_res.shape == (12,)
    np.testing.assert_array_equal(X_res[:8], regular)
    assert aug.n_features_in_ == 30
    kept = np.isfinite(X_res[8:]).sum(axis=1)
    assert np.all((kept >= 12) & (kept <= 15))  # half the epochs, some shifted out


def test_pickle_round_trip_gives_the_same_draws():
    X, y = _curves()
    aug = LightCurveGPAugmenter(random_state=0)
    a, _ = aug.fit_resample(X, y)
    b, _ = pickle.loads(pickle.dumps(aug)).fit_resample(X, y)
    _assert_same(a, b)


def test_nan_points_are_left_out_with_a_count():
    X, y = _curves()
    X[6] = X[6].copy()
    X[6][[0, 5], 1] = np.nan
    with pytest.warns(UserWarning, match=r"left out 2 point\(s\).*from 1 light"):
        X_res, _ = LightCurveGPAugmenter(random_state=0).fit_resample(X, y)
    for k in range(8, len(X_res)):
        assert np.isfinite(X_res[k]["mag"]).all()


def test_short_templates_are_skipped_with_a_count():
    X, y = _curves(n_minor=3)
    X[6] = X[6][:2]  # two points: below min_points=3
    with pytest.warns(UserWarning, match=r"1 light curve\(s\) have fewer than"):
        X_res, _ = LightCurveGPAugmenter(random_state=0).fit_resample(X, y)
    assert not any(str(i).startswith("6_") for i in X_res.ids[9:].tolist())


def test_class_without_template_is_named():
    X, y = _curves()
    X[6], X[7] = X[6][:2], X[7][:1]
    # the error comes first: the count of skipped templates is never reached
    with pytest.raises(ValueError, match=r"class 1 has no light curve usable"):
        LightCurveGPAugmenter(random_state=0).fit_resample(X, y)


def test_bad_parameters_and_shapes():
    X, y = _curves()
    with pytest.raises(ValueError, match="keep_fraction"):
        LightCurveGPAugmenter(keep_fraction=(0.9, 0.2)).fit_resample(X, y)
    with pytest.raises(ValueError, match="8 light curves but y has 3"):
        LightCurveGPAugmenter().fit_resample(X, y[:3])
    with pytest.raises(ValueError, match=r"light curve 1 has shape \(5, 6\)"):
        LightCurveGPAugmenter().fit_resample([X[0], np.ones((5, 6))], [0, 1])


@parametrize_with_checks(
    [check_instance(LightCurveGPAugmenter)],
    expected_failed_checks=expected_failed_checks,
)
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)
