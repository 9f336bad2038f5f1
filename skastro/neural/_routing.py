"""Parameters routed by prefix to the model builder, optimizer, compile, fit, predict.

The conventions of scikeras, implemented here (skastro imports no scikeras
code): as in scikeras, a parameter named ``model__units`` goes to the model builder
as ``units``, ``optimizer__momentum`` to the optimizer, and so on for
``compile__``, ``fit__`` and ``predict__``. The estimators keep routed
parameters in their ``routed_params`` dict; this module says which names are
routed, where they go, and which ``keras.Model.fit`` arguments the estimator
sets itself.
"""

from __future__ import annotations

__all__ = [
    "RESERVED_FIT_KWARGS",
    "RoutedParamsMixin",
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

    Names mean what they mean in scikeras: ``optimizer__momentum`` is the
    optimizer's ``momentum``; a name of another destination, or one without
    a prefix, is left out.

    Parameters
    ----------
    params : dict or None
        Routed parameters, e.g. an estimator's ``routed_params``.
    destination : {"model", "optimizer", "compile", "fit", "predict"}
        Where the parameters go.

    Returns
    -------
    routed : dict
        The parameters of ``destination``, under their names there.

    Examples
    --------
    >>> from skastro.neural._routing import route_params
    >>> route_params({"optimizer__momentum": 0.9, "fit__shuffle": False}, "optimizer")
    {'momentum': 0.9}
    """
    prefix = f"{destination}__"
    return {
        key[len(prefix) :]: value
        for key, value in (params or {}).items()
        if key.startswith(prefix)
    }


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


class RoutedParamsMixin:
    """``get_params`` / ``set_params`` that know the routed parameters.

    Routed parameters (``optimizer__momentum=0.9``) live in the estimator's
    ``routed_params`` dict; these methods list and set them under their
    routed names, as scikeras does, so that searches can vary them.
    """

    def get_params(self, deep: bool = True) -> dict:
        """Get parameters for this estimator.

        With ``deep=True`` the routed parameters stored in ``routed_params``
        are listed too, under their routed names (``optimizer__momentum``),
        as scikeras does.

        Parameters
        ----------
        deep : bool, default=True
            Also list the routed parameters.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        params = super().get_params(deep=deep)
        if deep and isinstance(self.routed_params, dict):
            params.update(self.routed_params)
        return params

    def set_params(self, **params) -> RoutedParamsMixin:
        """Set parameters, routed ones (``model__units=8``) included.

        A name that starts with ``model__``, ``optimizer__``, ``compile__``,
        ``fit__`` or ``predict__`` is stored in (a copy of) ``routed_params``
        and handed to that destination at fit, as in scikeras; so
        ``GridSearchCV(est, {"optimizer__momentum": [0.0, 0.9]})`` works.

        Parameters
        ----------
        **params : dict
            Estimator parameters.

        Returns
        -------
        self : estimator instance
            Estimator instance.
        """
        routed = {key: value for key, value in params.items() if is_routed(key)}
        plain = {key: value for key, value in params.items() if key not in routed}
        if plain:
            super().set_params(**plain)
        if routed:
            current = self.routed_params if isinstance(self.routed_params, dict) else {}
            self.routed_params = {**current, **routed}
        return self
