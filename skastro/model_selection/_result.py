"""The outcome of :func:`~skastro.model_selection.tune`."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["TuningResult"]


class TuningResult:
    """Outcome of :func:`tune`: the study, the best parameters, the refitted model.

    Not an estimator itself (it is not fitted again); it forwards
    ``predict``, ``predict_proba``, ``decision_function``, ``transform`` and
    ``score`` to ``best_estimator_``.

    Attributes
    ----------
    study_ : optuna.study.Study
        The study, with every trial of every call that used it.
    best_params_ : dict
        Parameters of the best COMPLETE trial of the study.
    best_score_ : float
        Its mean cross-validated score.
    best_trial_ : optuna.trial.FrozenTrial
        The best trial (split scores in its ``user_attrs``).
    best_estimator_ : estimator
        A clone of the estimator with ``best_params_``, fitted on all data.
    param_distributions_ : dict
        The search space used by this call.
    scorer_ : callable
        The scorer (greater is better).
    n_splits_ : int
        Number of CV folds.
    n_trials_ : int
        Finished trials (COMPLETE or PRUNED) now in the study: what
        ``n_trials`` counts.
    trials_run_ : list of int
        Numbers of the trials run by this call, whatever their state.
    study_name_ : str
        Name of the study in the storage.
    refit_time_ : float
        Seconds spent refitting ``best_estimator_``.

    See Also
    --------
    tune : The function that returns it.
    """

    def __init__(self, **attributes: Any) -> None:
        for name, value in attributes.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return (
            f"TuningResult(study_name_={self.study_name_!r}, "
            f"n_trials_={self.n_trials_}, best_score_={self.best_score_:.6g}, "
            f"best_params_={self.best_params_!r})"
        )

    def trials_dataframe(self, **kwargs: Any) -> Any:
        """All trials of the study as a DataFrame (``Study.trials_dataframe``)."""
        return self.study_.trials_dataframe(**kwargs)

    def predict(self, X: Any) -> np.ndarray:
        """Predict with ``best_estimator_``."""
        return self.best_estimator_.predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities from ``best_estimator_``."""
        return self.best_estimator_.predict_proba(X)

    def decision_function(self, X: Any) -> np.ndarray:
        """Decision function of ``best_estimator_``."""
        return self.best_estimator_.decision_function(X)

    def transform(self, X: Any) -> Any:
        """Transform with ``best_estimator_``."""
        return self.best_estimator_.transform(X)

    def score(self, X: Any, y: Any = None) -> float:
        """Score ``best_estimator_`` on ``(X, y)`` with ``scorer_``."""
        return float(self.scorer_(self.best_estimator_, X, y))
