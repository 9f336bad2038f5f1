"""The three light specs a registered search space is written with.

:func:`int_param`, :func:`float_param` and :func:`categorical_param` record a
dimension without importing Optuna; :func:`~skastro.model_selection.search_space`
turns them into ``optuna.distributions`` objects when it is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["categorical_param", "float_param", "int_param"]

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


_Spec = _IntSpec | _FloatSpec | _CategoricalSpec


@validate_params(
    {
        "low": [Integral],
        "high": [Integral],
        "log": ["boolean"],
        "step": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
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
        What :func:`search_space` turns into an
        :class:`optuna.distributions.IntDistribution`.

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


@validate_params(
    {"low": [Real], "high": [Real], "log": ["boolean"]},
    prefer_skip_nested_validation=True,
)
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
        Becomes an :class:`optuna.distributions.FloatDistribution` once
        :func:`search_space` resolves the space.

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


# ``validate_params`` does not check ``*choices``; the body checks each choice
@validate_params({}, prefer_skip_nested_validation=True)
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
        A categorical dimension, an
        :class:`optuna.distributions.CategoricalDistribution` once resolved by
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
