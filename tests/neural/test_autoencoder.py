"""Autoencoder: latent codes, reconstructions, outlier scores, sample weights."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

pytest.importorskip("keras")

from skastro.neural import Autoencoder
from skastro.neural._autoencoder import _weighted_percentile

# float64: the identities asserted below (scores against reconstructions,
# weighted against repeated fits) hold to 1e-9 in that precision
FAST = {
    "dtype": "float64",
    "epochs": 40,
    "batch_size": 512,
    "learning_rate": 0.02,
    "validation_fraction": 0.0,
    "routed_params": {"compile__run_eagerly": True},
}


def _line(n=200, seed=0):
    """Points near a line in 5-D (inliers) and points off it (outliers)."""
    rng = np.random.RandomState(seed)
    direction = np.array([1.0, -2.0, 0.5, 1.5, -1.0])
    inliers = rng.uniform(-1, 1, size=(n, 1)) * direction
    inliers += rng.normal(scale=0.02, size=inliers.shape)
    outliers = rng.normal(size=(n // 4, 5))
    return inliers, outliers


@pytest.fixture(scope="module")
def fitted():
    inliers, outliers = _line()
    ae = Autoencoder((16, 2), contamination=0.1, random_state=0, **FAST).fit(inliers)
    return ae, inliers, outliers


def test_transform_inverse_transform_and_scores(fitted):
    ae, inliers, _ = fitted
    Z = ae.transform(inliers)
    assert Z.shape == (200, 2) and ae.latent_dim_ == 2
    rec = ae.inverse_transform(Z)
    assert rec.shape == inliers.shape
    # score_samples is minus the mean squared error of decode(encode(X))
    np.testing.assert_allclose(
        ae.score_samples(inliers), -((rec - inliers) ** 2).mean(axis=1), rtol=1e-10
    )
    np.testing.assert_allclose(
        ae.decision_function(inliers), ae.score_samples(inliers) - ae.offset_
    )
    with pytest.raises(ValueError, match="X has 3 columns .* latent codes of size 2"):
        ae.inverse_transform(np.zeros((2, 3)))


def test_contamination_threshold(fitted):
    ae, inliers, _ = fitted
    pred = ae.predict(inliers)
    assert set(np.unique(pred)) == {-1, 1}
    # linear percentile at 10 % of 200 scores: the 20 lowest are below it
    assert np.sum(pred == -1) == 20
    np.testing.assert_allclose(ae.offset_, np.percentile(ae.score_samples(inliers), 10))


def test_outliers_score_lower(fitted):
    ae, inliers, outliers = fitted
    scores = ae.score_samples(np.vstack([inliers, outliers]))
    truth = np.r_[np.ones(len(inliers)), np.zeros(len(outliers))]
    assert roc_auc_score(truth, scores) > 0.95
    assert np.mean(ae.predict(outliers) == -1) > 0.9


def test_feature_names_and_pandas_output(fitted):
    pytest.importorskip("pandas")
    ae, inliers, _ = fitted
    np.testing.assert_array_equal(
        ae.get_feature_names_out(), ["autoencoder0", "autoencoder1"]
    )
    ae.set_output(transform="pandas")
    try:
        assert list(ae.transform(inliers[:3]).columns) == [
            "autoencoder0",
            "autoencoder1",
        ]
    finally:
        ae.set_output(transform="default")


@pytest.mark.parametrize("shape", [(10, 10, 1), (24,), (24, 2)])
def test_conv_kind(shape):
    rng = np.random.RandomState(0)
    n = 60
    # smooth patterns with one random amplitude: an easy 1-D manifold
    grid = np.sin(np.linspace(0, np.pi, int(np.prod(shape)))).reshape(shape)
    X = rng.uniform(0.5, 1.5, size=(n,) + (1,) * len(shape)) * grid
    ae = Autoencoder((4, 2), kind="conv", random_state=0, **FAST).fit(X)
    expected = shape if len(shape) > 1 else (*shape, 1)
    assert ae.input_shape_ == expected
    assert ae.transform(X).shape == (n, 2)
    assert ae.inverse_transform(ae.transform(X)).shape == (n, *expected)
    noise = rng.normal(size=(20, *shape))
    scores = ae.score_samples(np.concatenate([X[:20], noise]))
    assert roc_auc_score(np.r_[np.ones(20), np.zeros(20)], scores) > 0.95


def test_bad_encoder_units():
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match=r"encoder_units=\(4, -1\).*entry -1"):
        Autoencoder((4, -1)).fit(X)
    with pytest.raises(ValueError, match="empty"):
        Autoencoder(()).fit(X)


def test_weighted_percentile_equals_repetition():
    rng = np.random.RandomState(0)
    for _ in range(50):
        values = rng.normal(size=12)
        weights = rng.randint(0, 4, size=12)
        weights[0] = 2
        q = rng.uniform(0, 100)
        expected = np.percentile(np.repeat(values, weights), q)
        assert np.isclose(_weighted_percentile(values, weights, q), expected)
    assert _weighted_percentile(values, None, 30) == np.percentile(values, 30)


def test_weighted_fit_equals_repeated_fit():
    inliers, _ = _line(n=40)
    w = np.random.RandomState(1).randint(0, 3, size=40)
    a = Autoencoder((8, 2), random_state=0, **FAST).fit(inliers, sample_weight=w)
    b = Autoencoder((8, 2), random_state=0, **FAST).fit(np.repeat(inliers, w, axis=0))
    np.testing.assert_allclose(a.offset_, b.offset_, rtol=1e-9)
    np.testing.assert_allclose(a.transform(inliers), b.transform(inliers), rtol=1e-9)
