"""Parameters routed by prefix to the model builder, optimizer, compile, fit, predict.

As in scikeras, a parameter named ``model__units`` goes to the model builder
as ``units``, ``optimizer__momentum`` to the optimizer, and so on for
``compile__``, ``fit__`` and ``predict__``. The estimators keep routed
parameters in their ``routed_params`` dict; this module says which names are
routed, where they go, and which ``keras.Model.fit`` arguments the estimator
sets itself.
"""

from __future__ import annotations

__all__ = [
    "RESERVED_FIT_KWARGS",
    "ROUTE_PREFIXES",
    "check_routed_params",
    "fit_kwargs",
    "is_routed",
    "route_params",
]

#: prefixes of the parameters routed to a destination, as in scikeras
ROUTE_PREFIXES = ("model", "optimizer", "compile", "fit", "predict")

#: keyword arguments of ``keras.Model.fit`` that the estimator sets itself
RESERVED_FIT_KWARGS = frozenset(
    {
        "x",
        "y",
        "sample_weight",
        "class_weight",
        "validation_data",
        "validation_split",
    }
)


def is_routed(name: str) -> bool:
    """Whether ``name`` is a routed parameter (``<destination>__<name>``)."""
    return "__" in name and name.split("__", 1)[0] in ROUTE_PREFIXES


def route_params(params: dict, destination: str) -> dict:
    """Return the ``destination__*`` entries of ``params``, prefix removed.

    Uses scikeras's own router, so names mean exactly what they mean there.
    """
    if not params:
        return {}
    from scikeras._utils import route_params as scikeras_route_params

    return scikeras_route_params(params, destination, pass_filter=set(), strict=False)


def check_routed_params(routed_params: dict | None, *, owner: str) -> dict:
    """A copy of ``routed_params``; a ``ValueError`` for a name that is not routed."""
    routed = dict(routed_params or {})
    for key in routed:
        if not is_routed(key):
            raise ValueError(
                f"routed_params key {key!r} of {owner} is not routed; expected a "
                f"name starting with one of {[p + '__' for p in ROUTE_PREFIXES]}."
            )
    return routed


def fit_kwargs(routed: dict, fit_params: dict, *, owner: str) -> dict:
    """The keyword arguments for ``keras.Model.fit``: routed ``fit__*``, then ``fit``'s.

    Raises a ``ValueError`` when either sets an argument of
    :data:`RESERVED_FIT_KWARGS`, which the estimator sets itself.
    """
    bad = sorted(RESERVED_FIT_KWARGS & set(fit_params))
    if bad:
        raise ValueError(
            f"fit parameters {bad} of {owner} are set by the estimator itself; "
            "use sample_weight, class_weight and validation_fraction instead."
        )
    kwargs = {**route_params(routed, "fit"), **fit_params}
    bad = sorted(RESERVED_FIT_KWARGS & set(kwargs))
    if bad:
        raise ValueError(
            f"routed fit__ parameters {bad} of {owner} are set by the estimator "
            "itself; expected other keras.Model.fit arguments."
        )
    return kwargs
