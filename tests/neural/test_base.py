"""The Keras compatibility layer: routing, seeding, weights, pickling, callbacks."""

import importlib.util
import io
import os
import pickle
import subprocess
import sys
import textwrap

import joblib
import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("keras")

from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier
from skastro.neural._augment import augment_images

# one batch per epoch, no held-out data, eager Keras: small fits stay fast
FAST = {
    "epochs": 8,
    "batch_size": 512,
    "validation_fraction": 0.0,
    "routed_params": {"compile__run_eagerly": True},
}


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1, 2], 40)
    centres = np.array([[0, 0, 0, 0], [3, 0, 3, 0], [0, 3, 0, 3]], dtype=float)
    X = centres[y] + rng.normal(scale=0.7, size=(120, 4))
    return X, y


def _mlp(**kw):
    return KerasMLPClassifier((16,), learning_rate=0.05, **{**FAST, **kw})


def _cnn(**kw):
    return CNNClassifier((4,), dense_units=(8,), learning_rate=0.02, **{**FAST, **kw})


def _ae(**kw):
    return Autoencoder((8, 2), learning_rate=0.02, **{**FAST, **kw})


ESTIMATORS = [
    pytest.param(_mlp, "predict_proba", id="KerasMLPClassifier"),
    pytest.param(_cnn, "predict_proba", id="CNNClassifier"),
    pytest.param(_ae, "score_samples", id="Autoencoder"),
]


# ------------------------------------------------------------------ routing
def test_routed_params_set_get_clone():
    est = KerasMLPClassifier()
    est.set_params(optimizer__beta_1=0.8, model__activation="tanh", epochs=3)
    assert est.epochs == 3
    assert est.routed_params == {"optimizer__beta_1": 0.8, "model__activation": "tanh"}
    deep = est.get_params(deep=True)
    assert deep["optimizer__beta_1"] == 0.8
    assert "optimizer__beta_1" not in est.get_params(deep=False)
    twin = clone(est)
    assert twin.routed_params == est.routed_params
    # set_params copies: the clone's dict is not the original's
    twin.set_params(optimizer__beta_1=0.5)
    assert est.routed_params["optimizer__beta_1"] == 0.8


def test_routed_params_reach_their_destination(blobs):
    X, y = blobs
    est = _mlp(
        routed_params={
            "compile__run_eagerly": True,
            "optimizer__beta_1": 0.5,
            "model__activation": "tanh",
            "fit__shuffle": False,
            "predict__batch_size": 7,
        }
    ).fit(X, y)
    assert float(est.model_.optimizer.beta_1) == 0.5
    assert est.model_.layers[1].activation.__name__ == "tanh"
    assert est.model_.run_eagerly


def test_optimizer_class(blobs):
    import keras

    X, y = blobs
    est = _mlp(optimizer=keras.optimizers.SGD)
    est.set_params(learning_rate=0.1, optimizer__momentum=0.5).fit(X, y)
    assert isinstance(est.model_.optimizer, keras.optimizers.SGD)
    assert float(est.model_.optimizer.momentum) == 0.5
    assert np.isclose(float(est.model_.optimizer.learning_rate), 0.1)


def test_bad_routed_name_is_rejected(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="'loss__alpha'.*model__"):
        _mlp(routed_params={"loss__alpha": 1}).fit(X, y)


def test_gridsearch_over_routed_param(blobs):
    X, y = blobs
    search = GridSearchCV(_mlp(random_state=0), {"optimizer__beta_1": [0.5, 0.9]}, cv=2)
    search.fit(X, y)
    assert search.best_params_["optimizer__beta_1"] in (0.5, 0.9)
    assert search.best_estimator_.routed_params["optimizer__beta_1"] in (0.5, 0.9)


def test_user_model_builder(blobs):
    import keras

    calls = {}

    def build(meta, compile_kwargs, units=3, dropout=0.0):
        calls.update(meta=meta, units=units, dropout=dropout)
        inputs = keras.Input(meta["input_shape"], dtype=meta["dtype"])
        h = keras.layers.Dense(units, activation="relu", dtype=meta["dtype"])(inputs)
        out = keras.layers.Dense(
            meta["n_classes_"], activation="softmax", dtype=meta["dtype"]
        )(h)
        return keras.Model(inputs, out)  # not compiled: the estimator compiles

    X, y = blobs
    est = _mlp(model=build, dropout=0.1)
    est.set_params(model__units=5)
    est.fit(X, y)
    assert calls["units"] == 5 and calls["dropout"] == 0.1
    assert calls["meta"]["n_classes_"] == 3 and calls["meta"]["input_shape"] == (4,)
    assert est.model_.layers[1].units == 5
    assert est.predict(X).shape == (120,)


def test_builder_must_return_a_model(blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="returned dict; expected a keras.Model"):
        _mlp(model=lambda meta: {}).fit(X, y)


# ------------------------------------------------------------------ seeding
@pytest.mark.parametrize(("make", "method"), ESTIMATORS)
def test_same_seed_same_predictions(make, method, blobs):
    X, y = blobs
    a = getattr(make(random_state=3).fit(X, y), method)(X)
    b = getattr(make(random_state=3).fit(X, y), method)(X)
    c = getattr(make(random_state=4).fit(X, y), method)(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_fit_leaves_global_random_states_alone(blobs):
    import random

    X, y = blobs
    # the legacy global NumPy state is what keras.utils.set_random_seed touches
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    expected = (np.random.rand(), random.random())  # noqa: NPY002
    np.random.seed(123)  # noqa: NPY002
    random.seed(123)
    _mlp(random_state=0).fit(X, y)
    assert (np.random.rand(), random.random()) == expected  # noqa: NPY002


def test_graph_and_eager_modes_agree(blobs):
    X, y = blobs
    # float64: both modes then agree to 1e-6 relative
    eager = _mlp(random_state=0, dtype="float64").fit(X, y).predict_proba(X)
    graph = _mlp(random_state=0, dtype="float64", routed_params={})
    graph = graph.fit(X, y).predict_proba(X)
    np.testing.assert_allclose(eager, graph, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------- weights, dtypes
def test_integer_weights_equal_repetitions(blobs):
    X, y = blobs
    w = np.random.RandomState(1).randint(0, 4, size=len(y))
    # float64: the weighted and the repeated batch means agree to 1e-6
    weighted = _mlp(random_state=0, dtype="float64").fit(X, y, sample_weight=w)
    repeated = _mlp(random_state=0, dtype="float64")
    repeated.fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-6
    )


def test_class_weight_equals_sample_weight(blobs):
    X, y = blobs
    weights = {0: 3.0, 1: 1.0, 2: 0.5}
    by_class = _mlp(random_state=0, dtype="float64", class_weight=weights).fit(X, y)
    by_sample = _mlp(random_state=0, dtype="float64").fit(
        X, y, sample_weight=np.array([3.0, 1.0, 0.5])[y]
    )
    np.testing.assert_allclose(
        by_class.predict_proba(X), by_sample.predict_proba(X), rtol=1e-6
    )
    with pytest.raises(ValueError, match=r"class_weight .* names classes \[7\]"):
        _mlp(class_weight={7: 1.0}).fit(X, y)


def test_bad_sample_weight(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match="at least one non-zero"):
        _mlp().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        _mlp().fit(X, y, sample_weight=-np.ones(len(y)))


def test_float32_network(blobs):
    X, y = blobs
    est = _mlp(dtype="float32", random_state=0).fit(X, y)
    assert est.model_.layers[-1].compute_dtype == "float32"
    proba = est.predict_proba(X)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_float64_network_sees_float64_data(blobs):
    import keras

    X, y = blobs
    est = _mlp(random_state=0, dtype="float64").fit(X, y)
    assert keras.config.floatx() == "float32"  # restored after the fit
    # inputs differing below float32 resolution still train different nets
    X2 = X + 1e-12
    other = _mlp(random_state=0, dtype="float64").fit(X2, y)
    assert not np.array_equal(est.predict_proba(X), other.predict_proba(X))


def test_float64_predictions_ignore_batching(blobs):
    X, y = blobs
    est = _mlp(random_state=0, dtype="float64").fit(X, y)
    idx = np.random.RandomState(0).permutation(len(X))
    full = est.predict_proba(X)[idx]
    est.set_params(routed_params={"predict__batch_size": 7})
    np.testing.assert_allclose(est.predict_proba(X[idx]), full, rtol=1e-12)


# ------------------------------------------------------------- bad input
@pytest.mark.parametrize(("make", "method"), ESTIMATORS)
def test_sparse_input_rejected(make, method, blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="Sparse data was passed"):
        make().fit(sparse.csr_matrix(X), y)


@pytest.mark.parametrize(("make", "method"), ESTIMATORS)
def test_wrong_n_features_at_predict(make, method, blobs):
    X, y = blobs
    est = make(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but .* is expecting 4"):
        getattr(est, method)(X[:, :3])


def test_reserved_fit_params_rejected(blobs):
    X, y = blobs
    with pytest.raises(ValueError, match=r"\['validation_split'\]"):
        _mlp().fit(X, y, validation_split=0.2)
    with pytest.raises(ValueError, match=r"routed fit__ parameters \['class_weight'\]"):
        _mlp(routed_params={"fit__class_weight": {0: 1}}).fit(X, y)


def test_one_class_rejected(blobs):
    X, _ = blobs
    # the error names the one class found
    with pytest.raises(ValueError, match=r"one class only, \[1\]"):
        _mlp().fit(X, np.ones(len(X), dtype=int))


# --------------------------------------------------------------- pickling
@pytest.mark.parametrize(("make", "method"), ESTIMATORS)
def test_pickle_and_joblib_round_trip(make, method, blobs, tmp_path):
    X, y = blobs
    est = make(random_state=0).fit(X, y)
    expected = getattr(est, method)(X)
    state = est.__getstate__()
    assert "model_" not in state and state["_model_keras_bytes"][:2] == b"PK"
    assert hasattr(est, "model_")  # pickling leaves the estimator intact
    restored = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(getattr(restored, method)(X), expected)
    path = tmp_path / "est.joblib"
    joblib.dump(est, path)
    np.testing.assert_array_equal(getattr(joblib.load(path), method)(X), expected)
    buffer = io.BytesIO()
    pickle.dump(make(), buffer)  # unfitted estimators pickle too
    assert not hasattr(pickle.loads(buffer.getvalue()), "model_")


# ------------------------------------------------------ history, callbacks
def test_history_and_validation_metrics(blobs):
    X, y = blobs
    # early stopping reads the validation part: it is held out and scored
    est = _mlp(
        validation_fraction=0.25,
        early_stopping=True,
        n_iter_no_change=50,
        epochs=4,
        random_state=0,
    ).fit(X, y)
    assert set(est.history_) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in est.history_.values())
    assert est.n_iter_ == 4


def test_callbacks_in_fit_params_and_pipeline(blobs):
    import keras

    class Recorder(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.logs = []

        def on_epoch_end(self, epoch, logs=None):
            self.logs.append(dict(logs or {}))

    X, y = blobs
    # a callback asks for validation metrics by its needs_validation_data flag
    rec = Recorder()
    rec.needs_validation_data = True
    _mlp(validation_fraction=0.2, epochs=3).fit(X, y, callbacks=[rec])
    assert len(rec.logs) == 3
    assert {"val_loss", "val_accuracy"} <= set(rec.logs[0])

    # ... or by monitoring a val_* metric, as Keras's own callbacks do
    rec = Recorder()
    rec.monitor = "val_loss"
    pipe = make_pipeline(StandardScaler(), _mlp(validation_fraction=0.2, epochs=2))
    pipe.fit(X, y, kerasmlpclassifier__callbacks=[rec])
    assert len(rec.logs) == 2 and "val_loss" in rec.logs[-1]

    rec = Recorder()
    _ae(validation_fraction=0.2, epochs=2, early_stopping=True).fit(X, callbacks=[rec])
    assert "val_loss" in rec.logs[-1]


def test_early_stopping_stops(blobs):
    X, _ = blobs
    # random labels: the validation loss rises as the net memorises them
    y = np.random.RandomState(0).randint(0, 2, size=len(X))
    est = KerasMLPClassifier(
        (64, 64),
        epochs=300,
        batch_size=512,
        learning_rate=0.05,
        early_stopping=True,
        n_iter_no_change=3,
        validation_fraction=0.3,
        random_state=0,
        routed_params={"compile__run_eagerly": True},
    ).fit(X, y)
    assert est.n_iter_ < 300
    best = int(np.argmin(est.history_["val_loss"]))
    assert best == est.n_iter_ - 4  # stopped 3 epochs after the best one
    # ... and the best weights are restored: recompute that validation loss
    _, val = est._split_validation(len(y), y, seed=est._fit_seed())
    proba = est.predict_proba(X[val])
    loss = -np.mean(np.log(proba[np.arange(len(val)), y[val]]))
    np.testing.assert_allclose(loss, est.history_["val_loss"][best], rtol=1e-6)


def test_validation_split_is_stratified(blobs):
    X, y = blobs
    est = _mlp(validation_fraction=0.25, random_state=0)
    train, val = est._split_validation(len(y), y, seed=0)
    assert len(val) == 30 and len(np.intersect1d(train, val)) == 0
    np.testing.assert_array_equal(np.bincount(y[val]), [10, 10, 10])


# ------------------------------------------------------------ augmentation
def test_augment_images_draws_the_dihedral_group():
    rng = np.random.default_rng(0)
    img = np.arange(9.0).reshape(3, 3)
    X = np.repeat(img[None, :, :, None], 400, axis=0)
    out = augment_images(X, rng)
    symmetries = [np.rot90(m, k) for m in (img, img.T) for k in range(4)]
    found = set()
    for a in out[..., 0]:
        matches = [i for i, s in enumerate(symmetries) if np.array_equal(a, s)]
        assert len(matches) == 1  # each output is one symmetry of the input
        found.add(matches[0])
    assert found == set(range(8))
    assert np.array_equal(X[:, :, :, 0], np.broadcast_to(img, (400, 3, 3)))


def test_augment_rectangular_images_only_flips():
    rng = np.random.default_rng(0)
    img = np.arange(6.0).reshape(2, 3)
    out = augment_images(np.repeat(img[None, :, :, None], 100, axis=0), rng)
    flips = [img, img[::-1], img[:, ::-1], img[::-1, ::-1]]
    for a in out[..., 0]:
        assert any(np.array_equal(a, f) for f in flips)


# ----------------------------------------------------------- other backends
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_other_keras_backend(backend, tmp_path):
    if importlib.util.find_spec(backend) is None:
        pytest.skip(f"Keras backend {backend!r} is not installed")
    code = textwrap.dedent(
        """
        import numpy as np, keras
        from skastro.neural import KerasMLPClassifier, CNNClassifier, Autoencoder
        assert keras.backend.backend() == BACKEND
        rng = np.random.RandomState(0)
        X = rng.normal(size=(60, 6)); y = (X[:, 0] > 0).astype(int)
        kw = dict(epochs=3, batch_size=64, validation_fraction=0.0, random_state=0)
        for est in (KerasMLPClassifier((8,), **kw), CNNClassifier((4,), **kw)):
            a = est.fit(X, y).predict_proba(X)
            assert a.shape == (60, 2)
        ae = Autoencoder((4, 2), **kw).fit(X)
        assert ae.transform(X).shape == (60, 2)
        """
    ).replace("BACKEND", repr(backend))
    env = {**os.environ, "KERAS_BACKEND": backend}
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
