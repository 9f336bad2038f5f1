"""Default Optuna search spaces, one small registry entry per estimator class.

A space is written with three light specs (:func:`int_param`,
:func:`float_param`, :func:`categorical_param`) and turned into
``optuna.distributions`` objects only when :func:`search_space` is called, so
importing this module never imports Optuna.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator

__all__ = [
    "categorical_param",
    "float_param",
    "int_param",
    "register_search_space",
    "registered_search_spaces",
    "search_space",
]

_SCALAR_TYPES = (type(None), bool, int, float, str)


@dataclass(frozen=True)
class _IntSpec:
    low: int
    high: int
    log: bool = False
    step: int = 1

    def to_optuna(self):
        from optuna.distributions import IntDistribution

        return IntDistribution(self.low, self.high, log=self.log, step=self.step)


@dataclass(frozen=True)
class _FloatSpec:
    low: float
    high: float
    log: bool = False

    def to_optuna(self):
        from optuna.distributions import FloatDistribution

        return FloatDistribution(self.low, self.high, log=self.log)


@dataclass(frozen=True)
class _CategoricalSpec:
    choices: tuple

    def to_optuna(self):
        from optuna.distributions import CategoricalDistribution

        return CategoricalDistribution(self.choices)


def int_param(low: int, high: int, *, log: bool = False, step: int = 1) -> _IntSpec:
    """Integer dimension of a registered search space.

    Parameters
    ----------
    low, high : int
        Inclusive bounds.
    log : bool, default=False
        Sample on a logarithmic scale.
    step : int, default=1
        Spacing between candidate values (only with ``log=False``).

    Returns
    -------
    spec : object
        Turned into :class:`optuna.distributions.IntDistribution` by
        :func:`search_space`.

    Examples
    --------
    >>> from skastro.model_selection import int_param
    >>> int_param(1, 10, log=True)
    _IntSpec(low=1, high=10, log=True, step=1)
    """
    if not low <= high:
        raise ValueError(
            f"int_param got low={low!r} > high={high!r}; expected low <= high."
        )
    return _IntSpec(int(low), int(high), bool(log), int(step))


def float_param(low: float, high: float, *, log: bool = False) -> _FloatSpec:
    """Float dimension of a registered search space.

    Parameters
    ----------
    low, high : float
        Inclusive bounds (``low > 0`` when ``log=True``).
    log : bool, default=False
        Sample on a logarithmic scale.

    Returns
    -------
    spec : object
        Turned into :class:`optuna.distributions.FloatDistribution` by
        :func:`search_space`.

    Examples
    --------
    >>> from skastro.model_selection import float_param
    >>> float_param(1e-3, 1.0, log=True)
    _FloatSpec(low=0.001, high=1.0, log=True)
    """
    if not low <= high:
        raise ValueError(
            f"float_param got low={low!r} > high={high!r}; expected low <= high."
        )
    if log and low <= 0:
        raise ValueError(
            f"float_param got low={low!r} with log=True; expected low > 0."
        )
    return _FloatSpec(float(low), float(high), bool(log))


def categorical_param(*choices: None | bool | int | float | str) -> _CategoricalSpec:
    """Categorical dimension of a registered search space.

    Choices are restricted to ``None``, bool, int, float and str: those are the
    values an Optuna RDB storage (SQLite, PostgreSQL) gives back unchanged, so
    a resumed study sets exactly the parameter values it stored.

    Parameters
    ----------
    *choices : None, bool, int, float or str
        The candidate values.

    Returns
    -------
    spec : object
        Turned into :class:`optuna.distributions.CategoricalDistribution` by
        :func:`search_space`.

    Examples
    --------
    >>> from skastro.model_selection import categorical_param
    >>> categorical_param(None, "balanced")
    _CategoricalSpec(choices=(None, 'balanced'))
    """
    if not choices:
        raise ValueError("categorical_param got no choices; expected at least one.")
    for i, choice in enumerate(choices):
        if not isinstance(choice, _SCALAR_TYPES):
            raise TypeError(
                f"categorical_param choice {i} is {choice!r} of type "
                f"{type(choice).__name__}; expected None, bool, int, float or str "
                "(the values an Optuna RDB storage round-trips unchanged)."
            )
    return _CategoricalSpec(tuple(choices))


_Spec = _IntSpec | _FloatSpec | _CategoricalSpec
_SpaceEntry = Mapping[str, _Spec] | Callable[[BaseEstimator], Mapping[str, _Spec]]

# class name -> space (a mapping of specs, or a function of the estimator
# instance returning one). Resolved along the MRO, so a subclass inherits the
# space of its parent unless it registers its own.
_REGISTRY: dict[str, _SpaceEntry] = {}

# Parameters of a meta-estimator that hold an inner estimator whose space is
# searched too, prefixed the scikit-learn way (``estimator__max_depth``).
_INNER_ESTIMATOR_PARAMS = ("estimator", "base_estimator", "sampler", "classifier")


def register_search_space(
    estimator_class: type | str, space: _SpaceEntry | None = None
) -> Any:
    """Register the default search space of an estimator class.

    Parameters
    ----------
    estimator_class : type or str
        The class, or its name (``type(est).__name__``). Subclasses inherit
        the space unless they register their own.
    space : mapping or callable, default=None
        ``{parameter: spec}`` with specs from :func:`int_param`,
        :func:`float_param`, :func:`categorical_param`, or a function of the
        estimator instance returning such a mapping (for spaces that depend
        on the instance). An empty mapping records "nothing to tune". When
        omitted, the function is used as a decorator.

    Returns
    -------
    space : mapping or callable
        ``space`` unchanged (or the decorator).

    See Also
    --------
    search_space : Resolve the space of an estimator or a Pipeline.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skastro.model_selection import (
    ...     int_param, register_search_space, search_space)
    >>> _ = register_search_space(
    ...     DecisionTreeClassifier, {"max_depth": int_param(1, 8)})
    >>> search_space(DecisionTreeClassifier())
    {'max_depth': IntDistribution(high=8, log=False, low=1, step=1)}
    """
    name = estimator_class if isinstance(estimator_class, str) else None
    if name is None:
        if not isinstance(estimator_class, type):
            raise TypeError(
                f"register_search_space got estimator_class={estimator_class!r}; "
                "expected a class or a class name."
            )
        name = estimator_class.__name__

    def _register(entry: _SpaceEntry) -> _SpaceEntry:
        if not (callable(entry) or isinstance(entry, Mapping)):
            raise TypeError(
                f"register_search_space({name!r}) got space={entry!r}; expected a "
                "mapping of parameter specs or a function returning one."
            )
        _REGISTRY[name] = entry
        return entry

    if space is None:
        return _register
    return _register(space)


def registered_search_spaces() -> list[str]:
    """Names of the estimator classes that have a registered search space.

    Returns
    -------
    names : list of str
        Sorted class names.

    Examples
    --------
    >>> from skastro.model_selection import registered_search_spaces
    >>> "RandomForestClassifier" in registered_search_spaces()
    True
    """
    return sorted(_REGISTRY)


def _registered_entry(estimator: BaseEstimator) -> _SpaceEntry | None:
    for klass in type(estimator).__mro__:
        if klass.__name__ in _REGISTRY:
            return _REGISTRY[klass.__name__]
    return None


def _to_distribution(key: str, spec: Any, owner: str):
    from optuna.distributions import BaseDistribution

    if isinstance(spec, BaseDistribution):
        return spec
    if isinstance(spec, _IntSpec | _FloatSpec | _CategoricalSpec):
        return spec.to_optuna()
    raise TypeError(
        f"search space of {owner} has {key!r}: {spec!r}; expected an int_param, "
        "float_param, categorical_param or an optuna distribution."
    )


def _children(estimator: BaseEstimator) -> list[tuple[str, Any]]:
    """Named sub-estimators of a composite, in ``set_params`` prefix form."""
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import FeatureUnion, Pipeline

    if isinstance(estimator, Pipeline) or hasattr(estimator, "steps"):
        steps = getattr(estimator, "steps", None)
        if isinstance(steps, list):
            return [(name, step) for name, step in steps]
    if isinstance(estimator, FeatureUnion):
        return list(estimator.transformer_list)
    if isinstance(estimator, ColumnTransformer):
        return [(name, trans) for name, trans, _ in estimator.transformers]
    params = estimator.get_params(deep=False)
    return [
        (name, params[name])
        for name in _INNER_ESTIMATOR_PARAMS
        if isinstance(params.get(name), BaseEstimator)
    ]


def _resolve(estimator: Any, path: str) -> tuple[dict, bool]:
    """Return ``(space, found)``; ``found`` says whether anything was registered."""
    if not isinstance(estimator, BaseEstimator):
        return {}, False  # None, "passthrough", "drop" steps
    owner = path.rstrip("_") or type(estimator).__name__
    space: dict = {}
    entry = _registered_entry(estimator)
    found = entry is not None
    if entry is not None:
        specs = entry(estimator) if callable(entry) else entry
        valid = estimator.get_params(deep=False)
        for key, spec in specs.items():
            if key not in valid:
                raise ValueError(
                    f"search space of {type(estimator).__name__} names parameter "
                    f"{key!r}, which {type(estimator).__name__} does not have; "
                    f"expected one of {sorted(valid)}."
                )
            space[path + key] = _to_distribution(key, spec, owner)
    for name, child in _children(estimator):
        child_space, child_found = _resolve(child, f"{path}{name}__")
        space.update(child_space)
        found = found or child_found
    return space, found


def search_space(estimator: BaseEstimator) -> dict:
    """Default Optuna search space of an estimator, a Pipeline or a meta-estimator.

    The space of an estimator is looked up by its class (then its parents')
    in a registry that covers every skastro estimator and the
    scikit-learn / imbalanced-learn estimators used next to them
    (``RandomForestClassifier``, ``ExtraTreesClassifier``,
    ``HistGradientBoostingClassifier``, ``BalancedRandomForestClassifier``,
    ``LogisticRegression``, ``SVC``, ``KNeighborsClassifier``, ``SMOTE``).
    Composites are searched through: the steps of a ``Pipeline`` (scikit-learn
    or imbalanced-learn), the transformers of a ``FeatureUnion`` or
    ``ColumnTransformer``, and the inner ``estimator`` / ``sampler`` of a
    meta-estimator, with keys prefixed the ``set_params`` way
    (``hierarchicalclassifier__estimator__max_depth``). A step without a
    registered space (a ``StandardScaler``) contributes no key.

    Every value set from the space is ``None``, bool, int, float or str, so
    the space works with an RDB storage and with :func:`sklearn.base.clone`.

    Parameters
    ----------
    estimator : estimator instance
        The estimator or composite to search.

    Returns
    -------
    space : dict of str to optuna.distributions.BaseDistribution
        Usable as ``param_distributions`` of :func:`tune` or of
        ``optuna_integration.OptunaSearchCV``.

    Raises
    ------
    ValueError
        If neither the estimator nor any of its parts has a registered space.

    See Also
    --------
    register_search_space : Add or replace the space of a class.
    tune : Optuna search with persistent, resumable studies.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skastro.model_selection import search_space
    >>> space = search_space(make_pipeline(StandardScaler(), KNeighborsClassifier()))
    >>> sorted(space)
    ['kneighborsclassifier__n_neighbors', 'kneighborsclassifier__p', \
'kneighborsclassifier__weights']
    """
    if not isinstance(estimator, BaseEstimator):
        raise TypeError(
            f"search_space got {type(estimator).__name__} {estimator!r}; expected a "
            "scikit-learn estimator instance."
        )
    space, found = _resolve(estimator, "")
    if not found:
        raise ValueError(
            f"no search space is registered for {type(estimator).__name__} or any "
            "of its steps/inner estimators; pass param_distributions explicitly or "
            "register one with skastro.model_selection.register_search_space "
            f"(registered: {registered_search_spaces()})."
        )
    return space


# ---------------------------------------------------------------------------
# scikit-learn and imbalanced-learn estimators used next to skastro's
# ---------------------------------------------------------------------------

_FOREST = {
    "n_estimators": int_param(50, 500, log=True),
    "max_depth": int_param(2, 32, log=True),
    "min_samples_leaf": int_param(1, 20, log=True),
    "max_features": float_param(0.1, 1.0),
}
register_search_space(
    "RandomForestClassifier",
    {
        **_FOREST,
        "class_weight": categorical_param(None, "balanced", "balanced_subsample"),
    },
)
register_search_space(
    "ExtraTreesClassifier",
    {
        **_FOREST,
        "class_weight": categorical_param(None, "balanced", "balanced_subsample"),
    },
)
register_search_space(
    "BalancedRandomForestClassifier",
    {**_FOREST, "sampling_strategy": categorical_param("all", "not minority", "auto")},
)
register_search_space(
    "HistGradientBoostingClassifier",
    {
        "learning_rate": float_param(1e-2, 0.5, log=True),
        "max_leaf_nodes": int_param(8, 128, log=True),
        "min_samples_leaf": int_param(5, 100, log=True),
        "l2_regularization": float_param(1e-6, 10.0, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "LogisticRegression",
    {
        "C": float_param(1e-4, 1e4, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "SVC",
    {
        "C": float_param(1e-3, 1e3, log=True),
        "gamma": float_param(1e-4, 10.0, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "KNeighborsClassifier",
    {
        "n_neighbors": int_param(1, 30, log=True),
        "weights": categorical_param("uniform", "distance"),
        "p": int_param(1, 2),
    },
)
register_search_space("SMOTE", {"k_neighbors": int_param(1, 15)})

# ---------------------------------------------------------------------------
# skastro estimators
# ---------------------------------------------------------------------------

# preprocessing. The magnitude <-> flux conversions get an empty space on
# purpose: their parameters (photometric system, flux unit, the softening of
# asinh magnitudes) describe the data, they are not modelling choices.
register_search_space(
    "PhotometricColors",
    {
        "pairs": categorical_param("adjacent", "all"),
        "keep_magnitudes": categorical_param(False, True),
    },
)
register_search_space("MagnitudeToFlux", {})
register_search_space("FluxToMagnitude", {})
register_search_space(
    "PolarTransformer", {"angle": categorical_param("radians", "sincos")}
)
register_search_space(
    "SkyCoordinateTransformer",
    {
        "frame": categorical_param("galactic", "ecliptic", "icrs"),
        "output": categorical_param("angles", "sincos", "unit_vector"),
    },
)

# lightcurve
register_search_space(
    "LightCurveFeatures",
    {
        "features": categorical_param("fast", "fats", "all"),
        "n_peaks": int_param(1, 5),
        "oversampling": float_param(2.0, 10.0, log=True),
        "min_period": float_param(0.05, 1.0, log=True),
    },
)

# ensemble (the inner ``estimator`` is searched through its own space)
register_search_space(
    "HierarchicalClassifier", {"class_weight": categorical_param(None, "balanced")}
)
register_search_space(
    "GMMBayesClassifier",
    {
        "n_components": int_param(1, 8),
        "covariance_type": categorical_param("full", "diag", "tied", "spherical"),
        "reg_covar": float_param(1e-6, 1e-2, log=True),
        # class priors matter for imbalanced classes (balanced scorers)
        "priors": categorical_param("empirical", "uniform"),
    },
)

# neural. Layer sizes are tuples, which an RDB storage does not round-trip
# (they come back as lists), so the architecture stays as constructed and the
# space covers regularisation and training; set ``epochs`` high and let
# pruning / early stopping end bad trials. The Autoencoder's ``contamination``
# (the expected outlier fraction) and ``kind`` (dense or convolutional, set by
# the input) are decisions about the data, not searched.
_KERAS_TRAINING = {
    "learning_rate": float_param(1e-4, 1e-1, log=True),
    "l2": float_param(1e-6, 1e-2, log=True),
}
register_search_space(
    "KerasMLPClassifier",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(32, 64, 128, 256),
        "dropout": float_param(0.0, 0.5),
        "activation": categorical_param("relu", "tanh", "elu"),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "CNNClassifier",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(16, 32, 64),
        "dropout": float_param(0.0, 0.5),
        "kernel_size": categorical_param(3, 5),
        "augment": categorical_param(False, True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "Autoencoder",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(32, 64, 128, 256),
        "activation": categorical_param("relu", "tanh", "elu"),
    },
)
