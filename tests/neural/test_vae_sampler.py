"""VAEOverSampler: where its rows lie, seeding, counts, pipelines, bad input.

The range criterion: for every feature, at least 99 % of the generated rows
of a class lie within ``[min - 0.1 * width, max + 0.1 * width]`` of that
class's real rows (``width = max - min``). A per-feature criterion, so that
a rare excursion in one of many features does not hide how the others
behave; the 10 % margin leaves room for plausible rows just beyond the few
extreme real ones.
"""

import pickle
from collections import Counter

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from imblearn.utils.estimator_checks import parametrize_with_checks
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from skastro.neural import VAEOverSampler
from skastro.utils._testing import check_instance, expected_failed_checks

FAST = {"epochs": 20, "batch_size": 64, "random_state": 0}


def _data(n_major=300, n_minor=40, seed=0):
    """Two classes of 3 correlated features; the minority a tight, offset blob."""
    rng = np.random.default_rng(seed)
    major = rng.normal(0.0, 1.0, (n_major, 3))
    t = rng.normal(0.0, 1.0, (n_minor, 1))
    minor = np.hstack([2.0 + 0.5 * t, 1.0 - 0.3 * t, 0.2 * t])
    minor += rng.normal(0.0, 0.05, minor.shape)
    X = np.vstack([major, minor])
    y = np.array([0] * n_major + [1] * n_minor)
    return X, y


def _in_range_fraction(real, generated, margin=0.1):
    """Per feature: the fraction of generated values in the widened real range."""
    lo, hi = real.min(axis=0), real.max(axis=0)
    pad = margin * (hi - lo)
    inside = (generated >= lo - pad) & (generated <= hi + pad)
    return inside.mean(axis=0)


@pytest.mark.parametrize("scaling", ["quantile", "standard"])
def test_generated_rows_lie_in_the_minority_range(scaling):
    # the raw decoder's mean (clip=None, noise=False) keeps >= 99 % of the
    # rows in the widened range of the minority, feature by feature, with
    # either scaling
    X, y = _data()
    sampler = VAEOverSampler(scaling=scaling, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    generated = X_res[len(X) :]
    assert np.all(y_res[len(X) :] == 1)
    fraction = _in_range_fraction(X[y == 1], generated)
    assert np.all(fraction >= 0.99), fraction


def test_clip_range_keeps_rows_within_the_class_range():
    # clip="range" bounds every generated feature by the class's own rows
    X, y = _data()
    X_res, _ = VAEOverSampler(clip="range", **FAST).fit_resample(X, y)
    generated, real = X_res[len(X) :], X[y == 1]
    assert np.all(generated >= real.min(axis=0))
    assert np.all(generated <= real.max(axis=0))


def test_generated_rows_follow_the_minority_not_the_majority():
    # the condition matters: in the first feature (class means 0 and 2) the
    # new rows' mean is nearer the minority's than the majority's
    X, y = _data()
    X_res, _ = VAEOverSampler(**{**FAST, "epochs": 60}).fit_resample(X, y)
    new_mean = X_res[len(X) :, 0].mean()
    assert abs(new_mean - X[y == 1, 0].mean()) < abs(new_mean - X[y == 0, 0].mean())


def test_noise_spreads_the_rows_beyond_the_decoder_mean():
    # draws from the decoder's Gaussian are more spread than its mean alone
    X, y = _data()
    spread = {}
    for noise in (True, False):
        X_res, _ = VAEOverSampler(noise=noise, **FAST).fit_resample(X, y)
        spread[noise] = X_res[len(X) :].std(axis=0)
    assert np.all(spread[True] > spread[False]), spread


def test_same_seed_same_rows():
    # float32 input stays float32; an integer seed fixes every generated
    # value exactly, another seed changes them
    X, y = _data()
    X = X.astype(np.float32)
    a, ya = VAEOverSampler(**FAST).fit_resample(X, y)
    b, yb = VAEOverSampler(**FAST).fit_resample(X, y)
    assert a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ya, yb)
    c, _ = VAEOverSampler(**{**FAST, "random_state": 1}).fit_resample(X, y)
    assert not np.array_equal(a[len(X) :], c[len(X) :])


def test_fit_resample_does_not_change_global_random_state():
    X, y = _data()
    np.random.seed(3)  # noqa: NPY002 (the global state is what is checked)
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(3)  # noqa: NPY002
    VAEOverSampler(**FAST).fit_resample(X, y)
    assert np.random.random() == expected  # noqa: NPY002


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("auto", {0: 300, 1: 300, 2: 300}),
        ("minority", {0: 300, 1: 300, 2: 60}),
        ({1: 100, 2: 150}, {0: 300, 1: 100, 2: 150}),
        ({2: 60}, {0: 300, 1: 20, 2: 60}),
    ],
)
def test_resampled_counts_match_sampling_strategy(strategy, expected):
    X, y = _data(n_major=300, n_minor=80)
    y = y.copy()
    y[-80:-20] = 2  # classes 0: 300, 2: 60, 1: 20
    sampler = VAEOverSampler(sampling_strategy=strategy, **FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    assert dict(Counter(y_res.tolist())) == expected
    assert X_res.shape == (sum(expected.values()), 3)
    np.testing.assert_array_equal(X_res[: len(X)], X)  # the real rows come first


def test_float_ratio_for_two_classes():
    X, y = _data(n_major=200, n_minor=20)
    _, y_res = VAEOverSampler(sampling_strategy=0.5, **FAST).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [200, 100]


class _CountingClassifier(ClassifierMixin, BaseEstimator):
    """Records the class counts it is fitted on and the rows it predicts."""

    def fit(self, X, y):
        self.fit_counts_ = np.bincount(y).tolist()
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        self.n_predicted_ = len(X)
        return np.zeros(len(X), dtype=int)


def test_pipeline_resamples_at_fit_only():
    X, y = _data()
    pipe = Pipeline([("vae", VAEOverSampler(**FAST)), ("clf", _CountingClassifier())])
    pipe.fit(X, y)
    assert pipe[-1].fit_counts_ == [300, 300]
    assert len(pipe.predict(X)) == len(X)
    assert pipe[-1].n_predicted_ == len(X)


def test_unfitted_and_fitted_samplers_clone_and_pickle():
    X, y = _data()
    sampler = VAEOverSampler(**FAST)
    assert clone(sampler).get_params() == sampler.get_params()
    expected = sampler.fit_resample(X, y)[0]
    copy = pickle.loads(pickle.dumps(sampler))
    assert copy.history_ == sampler.history_
    np.testing.assert_array_equal(copy.fit_resample(X, y)[0], expected)
    assert clone(sampler).get_params() == sampler.get_params()


def test_sparse_input_gives_sparse_output_with_the_same_rows():
    X, y = _data()
    dense, _ = VAEOverSampler(**FAST).fit_resample(X, y)
    X_res, _ = VAEOverSampler(**FAST).fit_resample(sparse.csc_matrix(X), y)
    assert sparse.issparse(X_res) and X_res.format == "csc"
    np.testing.assert_allclose(X_res.toarray(), dense)


def test_history_records_the_training_loss():
    X, y = _data()
    sampler = VAEOverSampler(**FAST).fit(X, y)  # fit alone trains nothing
    assert not hasattr(sampler, "history_")
    sampler.fit_resample(X, y)
    loss = sampler.history_["loss"]
    assert len(loss) == FAST["epochs"]
    assert loss[-1] < loss[0]


def test_nothing_to_generate_returns_the_input():
    X, y = _data(n_major=50, n_minor=50)
    X_res, y_res = VAEOverSampler(**FAST).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)


def test_nan_cell_is_named():
    X, y = _data()
    X[7, 2] = np.nan
    message = r"VAEOverSampler got NaN in column 'x2' at row 7"
    with pytest.raises(ValueError, match=message):
        VAEOverSampler(**FAST).fit_resample(X, y)


def test_class_with_one_row_is_named():
    X, y = _data(n_major=30, n_minor=10)
    y = np.where(y == 1, "QSO", "STAR").astype(object)
    y[-9:] = "GALAXY"  # QSO keeps one row
    with pytest.raises(ValueError, match=r"class 'QSO' has 1 row; at least 2"):
        VAEOverSampler(**FAST).fit_resample(X, y)
    # a one-row class that gets no new rows is no obstacle
    strategy = {"GALAXY": 30}
    _, y_res = VAEOverSampler(sampling_strategy=strategy, **FAST).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {"STAR": 30, "GALAXY": 30, "QSO": 1}


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"hidden_units": (8, 0)}, r"hidden_units=\(8, 0\) of VAEOverSampler"),
        ({"latent_dim": 0}, "'latent_dim' parameter"),
        ({"clip": "box"}, "'clip' parameter"),
        ({"scaling": "minmax"}, "'scaling' parameter"),
    ],
)
def test_bad_parameters(params, match):
    X, y = _data(n_major=30, n_minor=10)
    with pytest.raises(ValueError, match=match):
        VAEOverSampler(**params).fit_resample(X, y)


@pytest.mark.slow
def test_sdss_qso_colours_in_range(require_data):
    # on real QSO colours (SDSS, 850 of 10,000 rows) the default sampler's
    # rows meet the range criterion in every colour
    from skastro.datasets import fetch_sdss_colors
    from skastro.preprocessing import PhotometricColors

    data = fetch_sdss_colors(data_home=require_data("sdss_dr14_skyserver_10k"))
    X = PhotometricColors().fit_transform(data.data)
    qso = list(data.target_names).index("QSO")
    y = (data.target == qso).astype(int)
    sampler = VAEOverSampler(epochs=30, batch_size=256, random_state=0)
    X_res, _ = sampler.fit_resample(X, y)
    fraction = _in_range_fraction(X[y == 1], X_res[len(X) :])
    assert np.all(fraction >= 0.99), fraction


@parametrize_with_checks(
    [check_instance(VAEOverSampler)], expected_failed_checks=expected_failed_checks
)
def test_imblearn_estimator_checks(estimator, check):
    check(estimator)
