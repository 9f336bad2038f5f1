"""Optuna search whose study lives in a database, so a long search survives a crash."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils._param_validation import HasMethods, Interval, validate_params

from skastro.utils._constraints import worded

from ._pruning import cross_validate_with_pruning
from ._result import TuningResult
from ._search_space import _first_unknown, search_space
from ._storage import STORAGE_CONSTRAINT, _make_storage

__all__ = ["tune"]


def _stable_hash(obj: Any) -> str:
    import joblib

    try:
        return joblib.hash(obj)
    except Exception:  # unpicklable parts (a lambda): fall back to the type
        return joblib.hash(type(obj).__qualname__)


def _default_study_name(
    estimator: BaseEstimator,
    space: Mapping[str, Any],
    scoring: Any,
    cv: Any,
    X: Any,
    y: Any,
    groups: Any,
) -> str:
    import joblib

    parts = (
        _stable_hash(clone(estimator)),
        sorted((key, repr(dist)) for key, dist in space.items()),
        _stable_hash(scoring),
        _stable_hash(cv),
        _stable_hash(X),
        _stable_hash(y),
        _stable_hash(groups),
    )
    return f"skastro-{type(estimator).__name__}-{joblib.hash(parts)[:16]}"


def _suggest(trial: Any, name: str, dist: Any) -> Any:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if isinstance(dist, IntDistribution):
        return trial.suggest_int(
            name, dist.low, dist.high, step=dist.step, log=dist.log
        )
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(
            name, dist.low, dist.high, step=dist.step, log=dist.log
        )
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    raise TypeError(
        f"param_distributions[{name!r}] is {dist!r}; expected an optuna Int-, "
        "Float- or CategoricalDistribution."
    )


def _check_space(estimator: BaseEstimator, space: Mapping) -> dict:
    from optuna.distributions import BaseDistribution

    unknown = _first_unknown(space, estimator.get_params(deep=True))
    if unknown is not None:
        raise ValueError(
            f"param_distributions key {unknown!r} is not a parameter of "
            f"{type(estimator).__name__}; expected one of its get_params() keys "
            "(nested ones as 'step__param')."
        )
    for key, dist in space.items():
        if not isinstance(dist, BaseDistribution):
            raise TypeError(
                f"param_distributions[{key!r}] is {dist!r}; expected an optuna "
                "distribution (IntDistribution, FloatDistribution, "
                "CategoricalDistribution)."
            )
    return dict(space)


def _make_pruner(pruning: Any) -> Any:
    import optuna

    if isinstance(pruning, bool | np.bool_):
        if pruning:
            return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=1)
        return optuna.pruners.NopPruner()
    return pruning


def _purpose(estimator, space) -> dict[str, Any]:
    """What a study is for: the estimator (steps of a Pipeline), the classes
    it derives from, and the search space."""
    steps = getattr(estimator, "steps", None)
    name = type(estimator).__name__
    if steps is not None:
        name += "(" + ", ".join(type(step).__name__ for _, step in steps) + ")"
        lineage = [name]
    else:
        lineage = [
            cls.__name__
            for cls in type(estimator).__mro__
            if issubclass(cls, BaseEstimator) and cls is not BaseEstimator
        ]
    return {
        "skastro_estimator": name,
        "skastro_lineage": lineage,
        "skastro_space": sorted(space),
    }


def _check_study_purpose(study, estimator, space) -> None:
    """Refuse to resume a study created for another estimator or space.

    A study made by ``tune`` records its purpose in ``user_attrs``; a study
    without that record (new, or made by Optuna directly) gets it now. An
    estimator and a subclass of it (a slowed-down or instrumented variant)
    may share a study; unrelated estimators or other search spaces may not.
    """
    wanted = _purpose(estimator, space)
    attrs = study.user_attrs
    if "skastro_estimator" not in attrs:
        # one write per key: "skastro_estimator" marks the record as complete,
        # so it goes last (a process resuming the study at the same moment
        # sees either no record or all of it)
        for key in ("skastro_lineage", "skastro_space", "skastro_estimator"):
            study.set_user_attr(key, wanted[key])
        return
    stored_name = attrs["skastro_estimator"]
    stored_lineage = attrs.get("skastro_lineage", [stored_name])
    related = (
        stored_name in wanted["skastro_lineage"]
        or wanted["skastro_estimator"] in stored_lineage
    )
    if not related or attrs.get("skastro_space") != wanted["skastro_space"]:
        raise ValueError(
            f"study {study.study_name!r} was created for {stored_name} with "
            f"search space {attrs.get('skastro_space')}; this call tunes "
            f"{wanted['skastro_estimator']} with {wanted['skastro_space']}. "
            "Pass another study_name (or study_name=None, which derives one "
            "from the estimator and the space) to start a new study."
        )


@validate_params(
    {
        "estimator": [BaseEstimator],
        "X": "no_validation",
        "y": "no_validation",
        "param_distributions": [Mapping, None],
        "scoring": [str, callable, None],
        "cv": ["cv_object"],
        "n_trials": [
            worded(
                Interval(Integral, 1, None, closed="left"),
                message="tune got n_trials={value!r}; expected an int >= 1.",
            )
        ],
        "timeout": [Interval(Real, 0, None, closed="neither"), None],
        "storage": [STORAGE_CONSTRAINT],
        "study_name": [str, None],
        "n_jobs": [
            Interval(Integral, None, -1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "pruning": [
            worded(
                "boolean",
                HasMethods(["prune"]),
                message="tune got pruning={value!r}; expected True, False or an "
                "optuna pruner.",
            )
        ],
        "random_state": ["random_state"],
        "groups": ["array-like", None],
        "show_progress_bar": ["boolean"],
    },
    # the estimators tune fits validate their own parameters
    prefer_skip_nested_validation=False,
)
def tune(
    estimator: BaseEstimator,
    X: Any,
    y: Any = None,
    *,
    param_distributions: Mapping[str, Any] | None = None,
    scoring: str | Callable | None = None,
    cv: int | Iterable | Any = 5,
    n_trials: int = 50,
    timeout: float | None = None,
    storage: str | Any | None = None,
    study_name: str | None = None,
    n_jobs: int = 1,
    pruning: bool | Any = True,
    random_state: int | np.random.RandomState | None = None,
    groups: Any = None,
    show_progress_bar: bool = False,
) -> TuningResult:
    """Tune an estimator or Pipeline with Optuna, in a study that survives crashes.

    Each trial samples parameters from ``param_distributions``, sets them on
    a clone of ``estimator`` and cross-validates it; the study maximises the
    mean CV score. The study is stored in an RDB (a SQLite file by default),
    so a search killed half-way is resumed by calling ``tune`` again with the
    same ``storage`` and ``study_name``, and several processes or hosts can
    work on one study at once.

    Parameters
    ----------
    estimator : estimator instance
        Estimator or Pipeline to tune; it is cloned, never fitted in place.
    X : array-like or sequence
        Training data, anything the estimator accepts that scikit-learn can
        index (a list of light curves works).
    y : array-like, default=None
        Targets.
    param_distributions : dict of str to optuna distribution, default=None
        The search space; ``None`` uses :func:`search_space` ``(estimator)``.
    scoring : str or callable, default=None
        A scikit-learn scorer name or callable (greater is better); ``None``
        uses the estimator's ``score``.
    cv : int, cross-validation generator or iterable, default=5
        As in :class:`sklearn.model_selection.GridSearchCV` (an int gives
        an unshuffled ``StratifiedKFold`` for classifiers, so every trial
        sees the same folds).
    n_trials : int, default=50
        The total number of finished trials (state COMPLETE or PRUNED) the
        study should hold when ``tune`` returns, counting those already in
        the study from earlier calls or other processes. A call on a study
        that holds ``k`` of them runs at most ``n_trials - k`` new trials
        (none when ``k >= n_trials``), and every process working on the
        study stops once the study holds ``n_trials`` (processes that were
        mid-trial at that moment still finish their trial, so concurrent
        workers may overshoot by up to one trial each). Trials that raised
        (recorded FAIL) or were cut off by a crash (RUNNING, then FAIL once
        their heartbeat is stale) do not count, but each one uses up one of
        this call's ``n_trials - k`` attempts, so a search whose fits keep
        failing ends instead of looping; call again to fill the study up.
    timeout : float, default=None
        Stop starting new trials after this many seconds.
    storage : str or optuna storage, default=None
        Where the study lives. ``None`` is :data:`DEFAULT_STORAGE`,
        ``"sqlite:///skastro_tuning.db"``: a file ``skastro_tuning.db`` in the
        current working directory. Any SQLAlchemy URL that Optuna's
        ``RDBStorage`` accepts works (``"sqlite:////abs/path/study.db"``,
        ``"postgresql://user:pw@host/db"`` to share a study between
        machines); URL storages get a heartbeat (60 s, grace period 180 s) so
        that a trial whose process died is marked FAIL. ``":memory:"`` keeps
        the study in memory (nothing persisted). An
        ``optuna.storages.BaseStorage`` instance is used as given.
    study_name : str, default=None
        Name of the study in the storage; an existing study of that name is
        loaded and continued. ``None`` derives a name deterministically
        (``skastro-<EstimatorClass>-<hash>``) from the estimator and its
        parameters, the search space, ``scoring``, ``cv`` and the data, so
        re-running the same call resumes the same study and changing any of
        those starts a new one.
    n_jobs : int, default=1
        Trials run in parallel threads of this process (``-1``: one per CPU).
        For CPU-bound estimators prefer several processes on one storage.
    pruning : bool or optuna pruner, default=True
        ``True`` uses ``MedianPruner(n_startup_trials=5, n_warmup_steps=1)``;
        an ``optuna.pruners.BasePruner`` is used as given; ``False`` never
        prunes. Trials report the running mean CV score after each fold;
        Keras estimators (``skastro.neural``, or a Pipeline ending in one)
        report the validation score of each epoch of the first fold instead
        (from their ``validation_fraction`` hold-out), so a bad network stops
        after a few epochs.
    random_state : int, RandomState instance or None, default=None
        Seeds the ``TPESampler``. With an in-memory storage and ``n_jobs=1``
        the same seed gives the same trials (if the estimator is seeded too).
        A resumed study seeds the sampler with ``random_state`` plus the
        number of trials already stored, so it does not replay old ones.
    groups : array-like, default=None
        Group labels for a group-aware ``cv`` splitter.
    show_progress_bar : bool, default=False
        Show Optuna's progress bar over this call's trials.

    Returns
    -------
    result : TuningResult
        ``best_estimator_`` (refitted on all data), ``best_params_``,
        ``best_score_``, ``study_`` and more.

    Raises
    ------
    ValueError
        If no trial of the study has completed (every one failed or was
        pruned), with the first failure; or if the study named was created
        for another estimator or search space (the study records both in its
        ``user_attrs``), naming both.

    Warns
    -----
    sklearn.exceptions.FitFailedWarning
        When trials of this call raised: their count and first error. They
        are recorded FAIL in the study with the error in
        ``user_attrs["error"]`` and the search goes on.

    See Also
    --------
    search_space : The default search spaces.
    optuna_integration.OptunaSearchCV : In-memory Optuna search (its
        ``param_distributions`` can be a :func:`search_space`).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skastro.model_selection import tune
    >>> X, y = make_classification(n_samples=60, random_state=0)
    >>> result = tune(LogisticRegression(), X, y, n_trials=4, cv=3,
    ...               storage=":memory:", random_state=0)
    >>> sorted(result.best_params_)
    ['C', 'class_weight']
    >>> result.n_trials_
    4
    >>> result.predict(X[:3]).shape
    (3,)
    """
    import optuna
    from optuna.trial import TrialState

    if isinstance(random_state, np.random.RandomState):
        random_state = int(random_state.randint(np.iinfo(np.int32).max))
    if param_distributions is None:
        param_distributions = search_space(estimator)
    space = _check_space(estimator, param_distributions)
    cv_ = check_cv(cv, y, classifier=is_classifier(estimator))
    scorer = check_scoring(estimator, scoring=scoring)
    pruner = _make_pruner(pruning)
    do_prune = not isinstance(pruner, optuna.pruners.NopPruner)
    storage_ = _make_storage(storage)
    if study_name is None:
        study_name = _default_study_name(estimator, space, scoring, cv_, X, y, groups)

    finished = (TrialState.COMPLETE, TrialState.PRUNED)
    # load first (no sampler needed) to count the stored trials and seed the
    # sampler past them
    study = optuna.create_study(
        storage=storage_,
        study_name=study_name,
        direction="maximize",
        load_if_exists=True,
    )
    if study.direction != optuna.study.StudyDirection.MAXIMIZE:
        raise ValueError(
            f"study {study_name!r} in the storage minimises; expected a study that "
            "maximises the score (scikit-learn scorers: greater is better)."
        )
    _check_study_purpose(study, estimator, space)
    n_stored = len(study.get_trials(deepcopy=False))
    seed = None if random_state is None else (int(random_state) + n_stored) % 2**32
    study = optuna.load_study(
        study_name=study_name,
        storage=storage_,
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=pruner,
    )
    n_finished = len(study.get_trials(deepcopy=False, states=finished))

    def objective(trial):
        params = {name: _suggest(trial, name, dist) for name, dist in space.items()}
        try:
            candidate = clone(estimator).set_params(**params)
            scores = cross_validate_with_pruning(
                trial,
                candidate,
                X,
                y,
                cv=cv_,
                scorer=scorer,
                groups=groups,
                pruning=do_prune,
            )
        except optuna.TrialPruned:
            raise
        except Exception as exc:
            trial.set_user_attr("error", f"{type(exc).__name__}: {exc}"[:2000])
            raise
        return float(np.mean(scores["test_score"]))

    trials_run: list[int] = []

    def record(study, trial):
        trials_run.append(trial.number)

    remaining = n_trials - n_finished
    if remaining > 0:
        study.optimize(
            objective,
            n_trials=remaining,
            timeout=timeout,
            n_jobs=n_jobs,
            catch=(Exception,),
            show_progress_bar=show_progress_bar,
            callbacks=[
                optuna.study.MaxTrialsCallback(n_trials, states=finished),
                record,
            ],
        )

    failed = [
        t
        for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
        if t.number in set(trials_run)
    ]
    if failed:
        warnings.warn(
            f"{len(failed)} of {len(trials_run)} trials of study {study_name!r} "
            "raised and are recorded FAIL; first error (trial "
            f"{failed[0].number}): {failed[0].user_attrs.get('error', 'unknown')}",
            FitFailedWarning,
            stacklevel=2,
        )
    complete = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not complete:
        errors = [
            t.user_attrs["error"]
            for t in study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
            if "error" in t.user_attrs
        ]
        raise ValueError(
            f"no trial of study {study_name!r} completed "
            f"({len(study.trials)} trials: every one failed or was pruned); "
            f"first error: {errors[0] if errors else 'none recorded'}."
        )

    best_trial = study.best_trial
    best_estimator = clone(estimator).set_params(**best_trial.params)
    start = time.perf_counter()
    best_estimator.fit(X, y)
    refit_time = time.perf_counter() - start
    return TuningResult(
        study_=study,
        study_name_=study_name,
        best_params_=dict(best_trial.params),
        best_score_=float(best_trial.value),
        best_trial_=best_trial,
        best_estimator_=best_estimator,
        param_distributions_=space,
        scorer_=scorer,
        n_splits_=cv_.get_n_splits(X, y, groups),
        n_trials_=len(study.get_trials(deepcopy=False, states=finished)),
        trials_run_=sorted(trials_run),
        refit_time_=refit_time,
    )
