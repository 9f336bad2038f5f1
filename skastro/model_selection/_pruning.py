"""Pruning inside an Optuna trial: per CV fold, and per Keras epoch.

Two ways a trial reports intermediate scores so that an Optuna pruner can
stop it early:

- every estimator: :func:`cross_validate_with_pruning` reports the running
  mean of the test scores after each CV fold (step = fold index) and asks
  ``trial.should_prune()``;
- Keras estimators (``skastro.neural`` and scikeras wrappers): on the first
  fold a Keras callback (:func:`keras_pruning_callback`) reports the
  validation score after every epoch (step = epoch), so a bad trial stops
  after a few epochs instead of after a whole fit. The later folds then run
  without it (their running mean is not reported, since its steps would
  collide with the epoch steps).

Optuna and Keras are imported inside the functions.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils._param_validation import HasMethods, validate_params
from sklearn.utils.metaestimators import _safe_split

__all__ = ["cross_validate_with_pruning", "keras_pruning_callback"]

_KERAS_MODULES = ("skastro.neural", "scikeras")


def _is_keras(estimator: Any) -> bool:
    return any(
        (klass.__module__ or "").startswith(_KERAS_MODULES)
        for klass in type(estimator).__mro__
    )


def keras_callbacks_route(estimator: BaseEstimator) -> str | None:
    """Fit-parameter name that hands Keras callbacks to ``estimator``.

    ``"callbacks"`` for a Keras estimator, ``"<step>__callbacks"`` for a
    Pipeline (nested ones too) with a Keras step, ``None`` otherwise (a
    meta-estimator around a Keras model does not route fit parameters).
    """
    if _is_keras(estimator):
        return "callbacks"
    steps = getattr(estimator, "steps", None)
    if isinstance(steps, list):
        for name, step in steps:
            if isinstance(step, BaseEstimator):
                inner = keras_callbacks_route(step)
                if inner is not None:
                    return f"{name}__{inner}"
    return None


@validate_params(
    {"trial": [HasMethods(["report", "should_prune"])], "monitor": [str, None]},
    prefer_skip_nested_validation=True,
)
def keras_pruning_callback(trial: Any, monitor: str | None = None) -> Any:
    """Keras callback reporting a validation score to an Optuna trial each epoch.

    After every epoch it reports ``logs[monitor]`` (or ``-logs[monitor]`` for
    a loss, since skastro studies maximise) as step ``epoch`` and, if
    ``trial.should_prune()``, stops training (``model.stop_training = True``)
    and sets its ``pruned`` attribute: the caller raises
    :class:`optuna.TrialPruned` once ``fit`` has returned, so the estimator
    is never left half-way through a Keras call.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The running trial.
    monitor : str, default=None
        Key of the Keras logs to report. ``None`` picks, in this order,
        ``val_accuracy``, ``val_loss`` (from the estimator's
        ``validation_fraction`` hold-out), then ``accuracy``, ``loss`` when
        the estimator was given no validation data.

    Returns
    -------
    callback : keras.callbacks.Callback
        With attributes ``pruned`` (bool), ``monitor_`` (the key used, set at
        the first epoch), ``history_`` (the reported values) and
        ``needs_validation_data = True``, which makes a ``skastro.neural``
        estimator hold out its ``validation_fraction`` even without early
        stopping.

    See Also
    --------
    cross_validate_with_pruning : Per-fold pruning for any estimator.

    Examples
    --------
    >>> import optuna  # doctest: +SKIP
    >>> from skastro.model_selection._pruning import keras_pruning_callback
    >>> study = optuna.create_study(direction="maximize")  # doctest: +SKIP
    >>> trial = study.ask()  # doctest: +SKIP
    >>> cb = keras_pruning_callback(trial)  # doctest: +SKIP
    >>> # estimator.fit(X, y, callbacks=[cb]); if cb.pruned: raise TrialPruned
    """
    import keras

    class _OptunaPruningCallback(keras.callbacks.Callback):
        def __init__(self, trial, monitor):
            super().__init__()
            self.trial = trial
            self.monitor = monitor
            # asks a skastro.neural estimator to hold out its validation part
            self.needs_validation_data = True
            self.pruned = False
            self.monitor_ = None
            self.history_: list[float] = []

        def _pick(self, logs):
            if self.monitor is not None:
                if self.monitor not in logs:
                    raise ValueError(
                        f"pruning monitor {self.monitor!r} is not in the Keras logs "
                        f"(keys {sorted(logs)}); expected one of those."
                    )
                return self.monitor
            for key in ("val_accuracy", "val_loss", "accuracy", "loss"):
                if key in logs:
                    return key
            raise ValueError(
                f"no score to prune on in the Keras logs (keys {sorted(logs)}); "
                "expected val_accuracy, val_loss, accuracy or loss."
            )

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            if self.monitor_ is None:
                self.monitor_ = self._pick(logs)
            value = float(logs[self.monitor_])
            if self.monitor_.endswith("loss"):
                value = -value
            self.history_.append(value)
            self.trial.report(value, step=int(epoch))
            if self.trial.should_prune():
                self.pruned = True
                self.model.stop_training = True

    return _OptunaPruningCallback(trial, monitor)


def cross_validate_with_pruning(
    trial: Any,
    estimator: BaseEstimator,
    X: Any,
    y: Any,
    *,
    cv: Any,
    scorer: Any,
    groups: Any = None,
    pruning: bool = True,
) -> dict[str, np.ndarray]:
    """Cross-validate one trial's estimator, reporting to the trial as it goes.

    The folds run one after the other. After fold ``k`` the running mean of
    the test scores of folds ``0..k`` is reported as step ``k`` and, when
    ``pruning`` is true and ``trial.should_prune()``, :class:`optuna.TrialPruned`
    is raised. For a Keras estimator (or a Pipeline ending in one) the first
    fold reports the per-epoch validation score instead, through
    :func:`keras_pruning_callback`. Split scores and timings are stored as
    user attributes of the trial (``split0_test_score``, ...,
    ``mean_test_score``, ``std_test_score``), as in ``cv_results_``.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The running trial.
    estimator : estimator instance
        Unfitted estimator with the trial's parameters set; cloned per fold.
    X, y : array-like or sequence
        Data (any input the estimator accepts that sklearn can index).
    cv : cross-validation generator
        Output of :func:`sklearn.model_selection.check_cv`.
    scorer : callable
        ``scorer(estimator, X, y) -> float``, greater is better.
    groups : array-like, default=None
        Group labels for the splitter.
    pruning : bool, default=True
        Report and prune; when false the folds only run and are stored.

    Returns
    -------
    scores : dict of str to ndarray
        ``test_score``, ``fit_time``, ``score_time`` per fold.

    Raises
    ------
    optuna.TrialPruned
        When the pruner stops the trial.
    """
    import optuna

    splits = list(cv.split(X, y, groups))
    n_splits = len(splits)
    scores = {
        "test_score": np.full(n_splits, np.nan),
        "fit_time": np.full(n_splits, np.nan),
        "score_time": np.full(n_splits, np.nan),
    }
    route = keras_callbacks_route(estimator) if pruning else None
    for k, (train, test) in enumerate(splits):
        fold_estimator = clone(estimator)
        X_train, y_train = _safe_split(fold_estimator, X, y, train)
        X_test, y_test = _safe_split(fold_estimator, X, y, test, train)
        fit_params = {}
        callback = None
        if route is not None and k == 0:
            callback = keras_pruning_callback(trial)
            fit_params[route] = [callback]
        start = time.perf_counter()
        fold_estimator.fit(X_train, y_train, **fit_params)
        fitted = time.perf_counter()
        if callback is not None and callback.pruned:
            _store(trial, scores, k)
            raise optuna.TrialPruned(
                f"trial {trial.number} pruned at epoch {len(callback.history_) - 1} "
                f"of fold 0 ({callback.monitor_}={callback.history_[-1]:.4g})."
            )
        scores["test_score"][k] = scorer(fold_estimator, X_test, y_test)
        scores["fit_time"][k] = fitted - start
        scores["score_time"][k] = time.perf_counter() - fitted
        if pruning and route is None:
            trial.report(float(np.mean(scores["test_score"][: k + 1])), step=k)
            if trial.should_prune():
                _store(trial, scores, k + 1)
                running = np.mean(scores["test_score"][: k + 1])
                raise optuna.TrialPruned(
                    f"trial {trial.number} pruned after fold {k} of {n_splits} "
                    f"(running mean score {running:.4g})."
                )
    _store(trial, scores, n_splits)
    return scores


def _store(trial: Any, scores: dict[str, np.ndarray], n_done: int) -> None:
    for k in range(n_done):
        trial.set_user_attr(f"split{k}_test_score", float(scores["test_score"][k]))
    done = scores["test_score"][:n_done]
    if n_done:
        trial.set_user_attr("mean_test_score", float(np.mean(done)))
        trial.set_user_attr("std_test_score", float(np.std(done)))
