"""KerasMLPClassifier: pipelines, DataFrames, layer sizes, optimizers, searches."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

pytest.importorskip("keras")

from skastro.neural import KerasMLPClassifier

FAST = {
    "epochs": 10,
    "batch_size": 512,
    "validation_fraction": 0.0,
    "routed_params": {"compile__run_eagerly": True},
}


@pytest.fixture(scope="module")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=200, noise=0.1, random_state=0)
    return X * [50.0, 0.01] + [1000.0, 0.0], y  # badly scaled on purpose


def test_pipeline_with_scaler(moons):
    X, y = moons
    pipe = make_pipeline(
        StandardScaler(),
        KerasMLPClassifier((32, 32), learning_rate=0.03, random_state=0, **FAST),
    )
    pipe.set_params(kerasmlpclassifier__epochs=40)
    pipe.fit(X, y)
    assert accuracy_score(y, pipe.predict(X)) > 0.9
    assert pipe.predict_proba(X).shape == (200, 2)
    assert clone(pipe).get_params()["kerasmlpclassifier__epochs"] == 40


def test_string_labels_and_dataframe(moons):
    pd = pytest.importorskip("pandas")
    X, y = moons
    df = pd.DataFrame(X, columns=["u_g", "g_r"])
    labels = np.array(["GALAXY", "STAR"])[y]
    est = KerasMLPClassifier((8,), random_state=0, **FAST).fit(df, labels)
    np.testing.assert_array_equal(est.classes_, ["GALAXY", "STAR"])
    np.testing.assert_array_equal(est.feature_names_in_, ["u_g", "g_r"])
    assert set(est.predict(df)) <= {"GALAXY", "STAR"}


def test_bad_hidden_layer_sizes(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"hidden_layer_sizes=\(8, 0\).*entry 0"):
        KerasMLPClassifier((8, 0), **FAST).fit(X, y)


def test_unknown_optimizer(moons):
    X, y = moons
    with pytest.raises(ValueError, match="optimizer='adamm'.*not a Keras optimizer"):
        KerasMLPClassifier(optimizer="adamm", **FAST).fit(X, y)


def test_optuna_search_cv(moons):
    optuna = pytest.importorskip("optuna")
    from optuna.distributions import CategoricalDistribution, FloatDistribution
    from optuna_integration import OptunaSearchCV

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    X, y = moons
    X = StandardScaler().fit_transform(X)
    search = OptunaSearchCV(
        KerasMLPClassifier(random_state=0, **FAST),
        {
            "activation": CategoricalDistribution(["relu", "tanh"]),
            "learning_rate": FloatDistribution(1e-3, 1e-1, log=True),
        },
        n_trials=3,
        cv=2,
        random_state=0,
    )
    search.fit(X, y)
    assert len(search.trials_) == 3
    assert search.best_params_["activation"] in ("relu", "tanh")
    assert isinstance(search.best_estimator_, KerasMLPClassifier)
    assert search.predict(X).shape == (200,)
