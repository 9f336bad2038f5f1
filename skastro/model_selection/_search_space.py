"""The registry of default search spaces, and their resolution through composites.

A space is registered per estimator class (:func:`register_search_space`),
written with the specs of :mod:`._specs`, and resolved by :func:`search_space`
for an estimator, a Pipeline or a meta-estimator. The registered defaults are
in :mod:`._default_spaces`. Importing this module never imports Optuna.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import validate_params

from skastro.utils._constraints import worded

from ._specs import _CategoricalSpec, _FloatSpec, _IntSpec, _Spec

__all__ = ["register_search_space", "registered_search_spaces", "search_space"]

_SpaceEntry = Mapping[str, _Spec] | Callable[[BaseEstimator], Mapping[str, _Spec]]

# class name -> space (a mapping of specs, or a function of the estimator
# instance returning one). Resolved along the MRO, so a subclass inherits the
# space of its parent unless it registers its own.
_REGISTRY: dict[str, _SpaceEntry] = {}

# Parameters of a meta-estimator that hold an inner estimator whose space is
# searched too, prefixed the scikit-learn way (``estimator__max_depth``).
_INNER_ESTIMATOR_PARAMS = ("estimator", "base_estimator", "sampler", "classifier")


@validate_params(
    {
        "estimator_class": [
            worded(
                type,
                str,
                message="register_search_space got estimator_class={value!r}; "
                "expected a class or a class name.",
            )
        ],
        "space": [
            worded(
                Mapping,
                callable,
                None,
                message="register_search_space got space={value!r}; expected a "
                "mapping of parameter specs, a function returning one, or None "
                "(to use register_search_space as a decorator).",
            )
        ],
    },
    prefer_skip_nested_validation=True,
)
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
    name = name or estimator_class.__name__

    def _register(entry: _SpaceEntry) -> _SpaceEntry:
        _REGISTRY[name] = entry
        return entry

    if space is None:
        return _register
    return _register(space)


@validate_params({}, prefer_skip_nested_validation=True)
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


def _first_unknown(keys: Iterable[str], valid: Mapping[str, Any]) -> str | None:
    """The first of ``keys`` that is not a key of ``valid`` (a ``get_params()``)."""
    return next((key for key in keys if key not in valid), None)


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
        unknown = _first_unknown(specs, valid)
        if unknown is not None:
            name = type(estimator).__name__
            raise ValueError(
                f"search space of {name} names parameter {unknown!r}, which {name} "
                f"does not have; expected one of {sorted(valid)}."
            )
        for key, spec in specs.items():
            space[path + key] = _to_distribution(key, spec, owner)
    for name, child in _children(estimator):
        child_space, child_found = _resolve(child, f"{path}{name}__")
        space.update(child_space)
        found = found or child_found
    return space, found


@validate_params(
    {
        "estimator": [
            worded(
                BaseEstimator,
                message="search_space got {type} {value!r}; expected a "
                "scikit-learn estimator instance.",
            )
        ]
    },
    prefer_skip_nested_validation=True,
)
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
    space, found = _resolve(estimator, "")
    if not found:
        raise ValueError(
            f"no search space is registered for {type(estimator).__name__} or any "
            "of its steps/inner estimators; pass param_distributions explicitly or "
            "register one with skastro.model_selection.register_search_space "
            f"(registered: {registered_search_spaces()})."
        )
    return space
