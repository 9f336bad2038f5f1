"""Discovery of the public skastro estimators."""

import importlib
import inspect
import pkgutil
from operator import itemgetter

from sklearn.base import BaseEstimator

_SUBPACKAGES = (
    "preprocessing",
    "lightcurve",
    "ensemble",
    "mixture",
    "neural",
    "model_selection",
)

_TYPE_FILTERS = {
    "classifier": "ClassifierMixin",
    "regressor": "RegressorMixin",
    "transformer": "TransformerMixin",
    "outlier_detector": "OutlierMixin",
}


def all_estimators(type_filter: str | list[str] | None = None) -> list[tuple]:
    """List every public estimator of skastro.

    Walks the public subpackages and returns the classes re-exported in their
    ``__all__`` that derive from :class:`sklearn.base.BaseEstimator`.
    Subpackages whose optional dependencies are missing are still listed:
    the heavy imports happen inside the estimators, never at module level.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", \
"outlier_detector"} or list of those, default=None
        Keep only the estimators of these kinds. ``None`` keeps all.

    Returns
    -------
    estimators : list of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from skastro.utils import all_estimators
    >>> names = [name for name, _ in all_estimators("transformer")]
    >>> "PhotometricColors" in names
    True
    """
    import sklearn.base as skbase

    found = {}
    for sub in _SUBPACKAGES:
        module = importlib.import_module(f"skastro.{sub}")
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if (
                inspect.isclass(obj)
                and issubclass(obj, BaseEstimator)
                and not inspect.isabstract(obj)
                and not name.startswith("_")
            ):
                found[name] = obj
    estimators = sorted(found.items(), key=itemgetter(0))
    if type_filter is None:
        return estimators
    filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
    unknown = set(filters) - set(_TYPE_FILTERS)
    if unknown:
        raise ValueError(
            f"type_filter got {sorted(unknown)!r}; expected None or any of "
            f"{sorted(_TYPE_FILTERS)!r}."
        )
    mixins = tuple(getattr(skbase, _TYPE_FILTERS[f]) for f in filters)
    return [(n, c) for n, c in estimators if issubclass(c, mixins)]


def _walk_modules() -> list[str]:
    """Every importable module name of skastro (used by the import tests)."""
    import skastro

    return [
        m.name
        for m in pkgutil.walk_packages(skastro.__path__, prefix="skastro.")
        if "tests" not in m.name
    ]
