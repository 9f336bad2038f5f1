"""Keras per-epoch pruning: the callback, its routing, and pruned trials in tune()."""

import types

import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.model_selection._pruning import keras_callbacks_route

optuna = pytest.importorskip("optuna")


def _keras_mlp():
    import skastro.neural

    if "KerasMLPClassifier" not in skastro.neural.__all__:
        pytest.skip("skastro.neural.KerasMLPClassifier not available yet")
    return skastro.neural.KerasMLPClassifier


def test_callbacks_are_routed_to_the_keras_step():
    KerasMLPClassifier = _keras_mlp()
    assert keras_callbacks_route(KerasMLPClassifier()) == "callbacks"
    pipe = make_pipeline(StandardScaler(), KerasMLPClassifier())
    assert keras_callbacks_route(pipe) == "kerasmlpclassifier__callbacks"
    nested = make_pipeline(make_pipeline(StandardScaler(), KerasMLPClassifier()))
    assert keras_callbacks_route(nested) == "pipeline__kerasmlpclassifier__callbacks"
    assert keras_callbacks_route(make_pipeline(RandomForestClassifier())) is None


class _StubTrial:
    """Records reports; prunes once a value falls below ``threshold``."""

    def __init__(self, threshold):
        self.threshold = threshold
        self.reports = []

    def report(self, value, step):
        self.reports.append((step, value))

    def should_prune(self):
        return self.reports[-1][1] < self.threshold


def _callback(trial, monitor=None):
    pytest.importorskip("keras")
    from skastro.model_selection import keras_pruning_callback

    cb = keras_pruning_callback(trial, monitor)
    cb.set_model(types.SimpleNamespace(stop_training=False))
    return cb


def test_callback_reports_validation_accuracy_and_stops_training():
    trial = _StubTrial(threshold=0.5)
    cb = _callback(trial)
    cb.on_epoch_end(0, {"loss": 0.7, "val_loss": 0.69, "val_accuracy": 0.55})
    assert trial.reports == [(0, 0.55)] and cb.monitor_ == "val_accuracy"
    assert not cb.pruned and not cb.model.stop_training
    cb.on_epoch_end(1, {"loss": 0.7, "val_loss": 0.7, "val_accuracy": 0.45})
    assert trial.reports[-1] == (1, 0.45)
    assert cb.pruned and cb.model.stop_training


def test_callback_negates_losses_since_studies_maximise():
    trial = _StubTrial(threshold=-1.0)
    cb = _callback(trial)
    cb.on_epoch_end(0, {"loss": 0.3, "val_loss": 0.4})  # an autoencoder's logs
    assert cb.monitor_ == "val_loss" and trial.reports == [(0, -0.4)]
    cb.on_epoch_end(1, {"loss": 2.0, "val_loss": 1.5})
    assert cb.pruned


def test_callback_names_a_missing_monitor():
    cb = _callback(_StubTrial(0.0), monitor="val_auc")
    with pytest.raises(ValueError, match="'val_auc' is not in the Keras logs"):
        cb.on_epoch_end(0, {"loss": 0.3})


@pytest.mark.slow
def test_keras_trials_are_pruned_per_epoch():
    """Bad learning rates lose to the median after the warm-up epochs."""
    from optuna.distributions import FloatDistribution
    from optuna.trial import TrialState

    from skastro.model_selection import tune

    KerasMLPClassifier = _keras_mlp()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    epochs = 12
    estimator = KerasMLPClassifier(
        hidden_layer_sizes=(8,),
        epochs=epochs,
        batch_size=32,
        validation_fraction=0.25,
        random_state=0,
    )
    result = tune(
        estimator,
        X,
        y,
        param_distributions={"learning_rate": FloatDistribution(1e-5, 1.0, log=True)},
        n_trials=6,
        cv=2,
        storage=":memory:",
        random_state=0,
        pruning=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=3),
    )
    trials = result.study_.get_trials()
    pruned = [t for t in trials if t.state == TrialState.PRUNED]
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    assert pruned, [(t.params, t.state) for t in trials]
    for t in complete:
        # one report per epoch of the first fold (no early stopping here)
        assert sorted(t.intermediate_values) == list(range(epochs))
        assert all(0.0 <= v <= 1.0 for v in t.intermediate_values.values())
    for t in pruned:
        steps = sorted(t.intermediate_values)
        assert steps == list(range(len(steps))) and 3 < len(steps) < epochs
        k = steps[-1]
        earlier = [
            u.intermediate_values[k]
            for u in trials[: t.number]
            if u.state == TrialState.COMPLETE and k in u.intermediate_values
        ]
        assert t.intermediate_values[k] < np.median(earlier)
    assert result.best_trial_.state == TrialState.COMPLETE
    assert result.best_estimator_.score(X, y) > 0.8
