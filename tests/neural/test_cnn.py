"""CNNClassifier: images and series, sample shapes, augmentation, grid search."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

pytest.importorskip("keras")

from skastro.neural import CNNClassifier

FAST = {
    "dense_units": (8,),
    "epochs": 15,
    "batch_size": 512,
    "learning_rate": 0.02,
    "validation_fraction": 0.0,
    "routed_params": {"compile__run_eagerly": True},
}


def _bars(n_per_class=20, size=8, n_classes=2, seed=0):
    """Noisy images of horizontal (0), vertical (1) or diagonal (2) bars."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(n_classes), n_per_class)
    X = rng.normal(scale=0.3, size=(len(y), size, size, 1))
    mid = slice(size // 2 - 1, size // 2 + 1)
    X[y == 0, mid, :, 0] += 2.0
    X[y == 1, :, mid, 0] += 2.0
    if n_classes > 2:
        X[y == 2] += 2.0 * np.eye(size)[None, :, :, None]
    return X, y


def _bumps(n_per_class=30, length=32, seed=0):
    """Series with a bump early (0) or late (1)."""
    rng = np.random.RandomState(seed)
    y = np.repeat([0, 1], n_per_class)
    t = np.arange(length)
    centre = np.where(y == 0, length // 4, 3 * length // 4)
    X = np.exp(-0.5 * ((t - centre[:, None]) / 2.0) ** 2)
    return X + rng.normal(scale=0.1, size=X.shape), y


def test_binary_images():
    X, y = _bars()
    clf = CNNClassifier((4,), random_state=0, **FAST).fit(X, y)
    assert clf.input_shape_ == (8, 8, 1)
    assert clf.model_.layers[1].__class__.__name__ == "Conv2D"
    assert clf.score(X, y) > 0.9


def test_multiclass_images():
    X, y = _bars(n_classes=3)
    clf = CNNClassifier((8,), random_state=0, **FAST).fit(X, y)
    assert clf.predict_proba(X).shape == (60, 3)
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("channels", [False, True])
def test_series(channels):
    X, y = _bumps()
    if channels:
        X = np.stack([X, -X], axis=-1)
    clf = CNNClassifier((4,), random_state=0, **FAST).fit(X, y)
    assert clf.model_.layers[1].__class__.__name__ == "Conv1D"
    assert clf.input_shape_ == (32, 2 if channels else 1)
    assert clf.score(X, y) > 0.9


def test_wrong_sample_shape_at_predict():
    X, y = _bars()
    clf = CNNClassifier((4,), random_state=0, **{**FAST, "epochs": 1}).fit(X, y)
    with pytest.raises(ValueError, match=r"sample shape \(8, 6, 1\).*\(8, 8, 1\)"):
        clf.predict(X[:, :, :6])
    with pytest.raises(ValueError, match="expected images"):
        clf.predict(X[..., None])


def test_augment():
    X, y = _bars()
    clf = CNNClassifier((4,), augment=True, random_state=0, **FAST).fit(X, y)
    # a vertical bar turned 90 degrees is a horizontal one: trained on flipped
    # and turned copies, the net sees both classes in both orientations and
    # stays near chance level
    assert clf.score(X, y) < 0.8
    with pytest.raises(ValueError, match="augment=True .* needs images"):
        CNNClassifier(augment=True, **FAST).fit(*_bumps())


def test_augment_keeps_labels_of_symmetric_shapes():
    # centred discs vs centred rings are invariant under the dihedral group
    size = 9
    yy, xx = np.mgrid[:size, :size] - size // 2
    r = np.hypot(yy, xx)
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 20)
    base = np.where(y[:, None, None] == 0, r <= 2, (r > 2.5) & (r <= 4)).astype(float)
    X = base[..., None] + rng.normal(scale=0.3, size=(40, size, size, 1))
    a = CNNClassifier((4,), augment=True, random_state=0, **FAST).fit(X, y)
    b = CNNClassifier((4,), augment=True, random_state=0, **FAST).fit(X, y)
    assert a.score(X, y) > 0.9
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_grid_search():
    X, y = _bars(n_per_class=12)
    search = GridSearchCV(
        CNNClassifier(random_state=0, **{**FAST, "epochs": 5}),
        {"conv_filters": [(2,), (4,)], "dropout": [0.0, 0.3]},
        cv=2,
    )
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_params_["conv_filters"] in [(2,), (4,)]
    assert (
        search.best_estimator_.model_.layers[1].filters
        == (search.best_params_["conv_filters"][0])
    )
