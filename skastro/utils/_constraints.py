"""A ``validate_params`` constraint that words its own error.

:func:`sklearn.utils._param_validation.validate_params` words every error
the same way ("The 'x' parameter of f must be ... Got ... instead."). Where
skastro's message says more (what a storage URL looks like, which value of a
list is wrong), :func:`worded` keeps that message while the decorator stays
the one place where the constraints of a public function are declared.
"""

from __future__ import annotations

from typing import Any

from sklearn.utils._param_validation import (
    InvalidParameterError,
    Options,
    make_constraint,
)

__all__ = ["worded"]


class _Worded(Options):
    # validate_params accepts only its own constraint classes (make_constraint
    # refuses others), so this one is an Options whose test is replaced.
    def __init__(self, constraints: tuple, message: str) -> None:
        super().__init__(object, set())
        self.constraints = [make_constraint(c) for c in constraints]
        self.message = message

    def is_satisfied_by(self, val: Any) -> bool:
        if any(c.is_satisfied_by(val) for c in self.constraints):
            return True
        raise InvalidParameterError(
            self.message.format(value=val, type=type(val).__name__)
        )

    def __str__(self) -> str:
        return " or ".join(str(c) for c in self.constraints)


def worded(*constraints: Any, message: str) -> _Worded:
    """A constraint that holds when one of ``constraints`` holds, else raises.

    Parameters
    ----------
    *constraints : constraint
        Anything ``validate_params`` accepts as a constraint (a type,
        ``None``, ``"boolean"``, an ``Interval``, a ``StrOptions``...).
    message : str
        The error message when none holds, formatted with ``value`` (the bad
        value) and ``type`` (the name of its type).

    Returns
    -------
    constraint : object
        To be the only constraint of its parameter in ``validate_params``;
        it raises :class:`~sklearn.utils._param_validation.InvalidParameterError`
        (a ``ValueError`` and a ``TypeError``) with ``message``.

    Examples
    --------
    >>> from sklearn.utils._param_validation import validate_params
    >>> from skastro.utils._constraints import worded
    >>> @validate_params(
    ...     {"flag": [worded("boolean", message="not a bool: {value!r}")]},
    ...     prefer_skip_nested_validation=True,
    ... )
    ... def f(flag):
    ...     return flag
    >>> f("yes")
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: not a bool: 'yes'
    """
    return _Worded(constraints, message)
