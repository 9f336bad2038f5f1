"""One model builder, two wrappers: scikeras's KerasClassifier and skastro's.

skastro implements scikeras's conventions (a builder ``model(meta,
compile_kwargs, **params)`` and parameters routed as ``model__*``) without
importing scikeras; this test runs the same builder in both. scikeras is an
optional extra (``skastro[interop]``): without it the test is skipped.
"""

import numpy as np
import pytest

pytest.importorskip("keras")
scikeras_wrappers = pytest.importorskip(
    "scikeras.wrappers", reason="scikeras (the interop extra) is not installed"
)

from skastro.neural import KerasMLPClassifier  # noqa: E402


def build_mlp(meta, compile_kwargs, hidden=16):
    """A builder written for scikeras: only its documented ``meta`` keys."""
    import keras

    inputs = keras.Input((meta["n_features_in_"],))
    h = keras.layers.Dense(hidden, activation="relu", name="hidden")(inputs)
    outputs = keras.layers.Dense(meta["n_classes_"], activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    model.compile(**compile_kwargs)
    return model


def test_same_builder_in_scikeras_and_skastro():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(150, 4)).astype(np.float32)
    y = np.where(X[:, 0] + X[:, 1] > 0, "high", "low")
    common = {"epochs": 30, "batch_size": 32, "verbose": 0, "random_state": 0}
    theirs = scikeras_wrappers.KerasClassifier(
        model=build_mlp,
        model__hidden=8,
        loss="sparse_categorical_crossentropy",
        optimizer="adam",
        optimizer__learning_rate=0.01,
        **common,
    ).fit(X, y)
    ours = KerasMLPClassifier(model=build_mlp, learning_rate=0.01, **common)
    ours.set_params(model__hidden=8).fit(X, y)
    # the same architecture: the routed model__hidden reached both builders
    for est in (theirs, ours):
        assert est.model_.get_layer("hidden").units == 8
        assert est.model_.count_params() == 4 * 8 + 8 + 8 * 2 + 2
    assert set(ours.predict(X)) <= {"high", "low"}
    assert set(theirs.predict(X)) <= {"high", "low"}
    assert ours.score(X, y) > 0.9 and theirs.score(X, y) > 0.9
