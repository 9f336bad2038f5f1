"""Precision of the networks and when a validation part is held out."""

import numpy as np
import pytest

pytest.importorskip("keras")

from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier
from skastro.neural._base import needs_validation_data

FAST = {
    "epochs": 3,
    "batch_size": 512,
    "learning_rate": 0.05,
    "routed_params": {"compile__run_eagerly": True},
}


@pytest.fixture(scope="module")
def blobs():
    rng = np.random.RandomState(0)
    y = np.repeat([0, 1], 50)
    X = rng.normal(size=(100, 4)) + 2.0 * y[:, None]
    return X, y


@pytest.mark.parametrize("cls", [KerasMLPClassifier, CNNClassifier, Autoencoder])
def test_float32_is_the_default(cls):
    # Keras's own default precision, the fast one
    assert cls().dtype == "float32"


def test_float32_fit_is_repeatable_within_float32_tolerance(blobs):
    X, y = blobs
    a = KerasMLPClassifier((8,), random_state=1, **FAST).fit(X, y)
    b = KerasMLPClassifier((8,), random_state=1, **FAST).fit(X, y)
    assert a.model_.layers[1].compute_dtype == "float32"
    np.testing.assert_allclose(
        a.predict_proba(X), b.predict_proba(X), rtol=1e-5, atol=1e-7
    )


def test_mixed_precision_keeps_float32_inputs_and_outputs(blobs):
    import keras

    X, y = blobs
    est = KerasMLPClassifier((8,), dtype="mixed_float16", random_state=0, **FAST)
    est.fit(X, y)
    hidden, output = est.model_.layers[1], est.model_.layers[-1]
    assert hidden.compute_dtype == "float16" and hidden.variable_dtype == "float32"
    assert output.compute_dtype == "float32"
    proba = est.predict_proba(X)
    assert proba.dtype == np.float64 and np.all(np.isfinite(proba))
    # the global policy is restored after the fit
    assert keras.config.dtype_policy().name == "float32"


def test_no_validation_part_without_early_stopping(blobs):
    X, y = blobs
    # validation_fraction is used only when something reads the held-out part
    est = KerasMLPClassifier((8,), validation_fraction=0.5, random_state=0, **FAST)
    est.fit(X, y)
    assert set(est.history_) == {"loss", "accuracy"}
    # Keras logs one step per epoch with the whole training set in one batch:
    # the training accuracy is over all 100 samples (a multiple of 1/100)
    acc = np.array(est.history_["accuracy"]) * 100
    np.testing.assert_allclose(acc, np.round(acc), atol=1e-4)


def test_early_stopping_holds_out_the_validation_part(blobs):
    X, y = blobs
    est = KerasMLPClassifier(
        (8,),
        validation_fraction=0.2,
        early_stopping=True,
        n_iter_no_change=50,
        random_state=0,
        **FAST,
    ).fit(X, y)
    assert {"val_loss", "val_accuracy"} <= set(est.history_)


def test_which_callbacks_ask_for_validation_data():
    import keras

    from skastro.model_selection import keras_pruning_callback

    class Trial:
        def report(self, value, step):
            pass

        def should_prune(self):
            return False

    assert needs_validation_data(keras.callbacks.EarlyStopping(monitor="val_loss"))
    assert needs_validation_data(keras.callbacks.ReduceLROnPlateau())  # val_loss
    assert not needs_validation_data(keras.callbacks.EarlyStopping(monitor="loss"))
    assert not needs_validation_data(keras.callbacks.History())
    # tune's pruning reads per-epoch validation scores: it asks for them
    assert needs_validation_data(keras_pruning_callback(Trial()))
