"""The template every preprocessing transformer follows, and its helpers.

:class:`ColumnTransformerBase` owns the public methods: ``fit`` validates
``X`` (an array, a DataFrame or an astropy Table; text columns are kept
until a transformer reads them as floats) and calls ``_fit``; ``transform``
calls ``_transform``; ``get_feature_names_out`` calls ``_names_out``.
:class:`InvertibleColumnTransformer` adds ``inverse_transform`` around
``_inverse_transform``. The helpers below resolve per-column settings,
column pairs and the passed-through remainder, name the first bad cell, and
read a parameter under its new or its deprecated name.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from skastro.utils._tables import column_labels, resolve_columns
from skastro.utils._units import split_units
from skastro.utils._validation import as_float, validate_input


class ColumnTransformerBase(TransformerMixin, BaseEstimator):
    """Template of a transformer on catalogue columns.

    Subclasses implement ``_fit(X, units)`` (resolve the columns of the
    validated ``X``, set the fitted attributes), ``_transform(X, units)``
    (the output array) and ``_names_out(names)`` (the output names from the
    input names). ``units`` holds the unit of each column of ``X`` read
    before validation stripped them (``None`` for a plain column), or is
    ``None``; :meth:`_physical` reads columns as floats converted from them.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Resolve the columns of ``X`` and check the values used.

        Parameters
        ----------
        X : array-like, DataFrame, astropy Table or Quantity of shape \
(n_samples, n_features)
            The input; the class description says which columns are used.
            Columns with units (a QTable, a Table column's ``unit``, a 2-D
            Quantity) are converted into the units the transformer uses.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X, units = split_units(X)
        self._fit(self._validate(X, reset=True), units)
        return self

    def transform(self, X) -> np.ndarray:
        """Compute the output columns (the class description lists them).

        Parameters
        ----------
        X : array-like, DataFrame, astropy Table or Quantity of shape \
(n_samples, n_features)
            The input, with the columns seen in :meth:`fit`; columns with
            units are converted as in :meth:`fit`.

        Returns
        -------
        X_out : ndarray of shape (n_samples, n_features_out)
            The output, named by :meth:`get_feature_names_out`; NaN where a
            value used is missing.
        """
        check_is_fitted(self)
        X, units = split_units(X)
        return self._transform(self._validate(X, reset=False), units)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Input column names; by default ``feature_names_in_`` (or ``x{i}``).

        Returns
        -------
        feature_names_out : ndarray of str
            One name per column of the output of :meth:`transform`.
        """
        check_is_fitted(self)
        names = [str(n) for n in _check_feature_names_in(self, input_features)]
        return np.asarray(self._names_out(names), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # ------------------------------------------------------------- helpers

    def _validate(self, X, *, reset: bool):
        """``X`` as a 2-D array, dtypes kept (text columns are read later)."""
        return validate_input(self, X, reset=reset, dtype=None, ensure_all_finite=False)

    def _physical(self, X, units, positions, convert=None, **kwargs) -> np.ndarray:
        """Columns ``positions`` of ``X`` as floats, converted from their units.

        ``convert(block, units, labels, owner=...)`` (one of the converters
        of :mod:`skastro.utils._units`) turns the numbers of each column from
        its unit into the transformer's; ``kwargs`` go to ``convert``.
        """
        positions = list(positions)
        block = as_float(self, X, positions)
        if units is None or convert is None:
            return block
        labels = self._labels()
        return convert(
            block,
            [units[j] for j in positions],
            [labels[j] for j in positions],
            owner=type(self).__name__,
            **kwargs,
        )

    def _labels(self) -> list[str]:
        """Label of each input column: its name, or ``x{i}``."""
        return column_labels(
            getattr(self, "feature_names_in_", None), self.n_features_in_
        )

    def _resolve(self, columns, param: str) -> list[int]:
        """Positions in ``X`` of columns given by name or index in ``param``."""
        return resolve_columns(
            columns,
            getattr(self, "feature_names_in_", None),
            self.n_features_in_,
            param=param,
            owner=type(self).__name__,
        )

    def _require_columns(self, what: str, minimum: int = 2) -> None:
        """Raise unless ``X`` has at least ``minimum`` columns."""
        if self.n_features_in_ < minimum:
            raise ValueError(
                f"{type(self).__name__} needs {what}; X has {self.n_features_in_} "
                f"feature(s), expected at least {minimum}."
            )

    def _check_pair(self, pair, description: str, example: str) -> None:
        """Raise unless ``pair`` is a pair (not a string)."""
        if isinstance(pair, str) or len(pair) != 2:
            raise ValueError(
                f"{type(self).__name__}: {description} {pair!r} is not {example}."
            )

    def _remainder_block(self, X) -> np.ndarray:
        """The passed-through columns ``remainder_`` of ``X``, as floats."""
        return as_float(self, X, self.remainder_, allow_inf=True)


class InvertibleColumnTransformer(ColumnTransformerBase):
    """:class:`ColumnTransformerBase` with ``inverse_transform``.

    Subclasses implement ``_inverse_transform(Z)`` on the validated float
    array ``Z`` with one column per output name.
    """

    def inverse_transform(self, X) -> np.ndarray:
        """Map the output of :meth:`transform` back to its input.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features_out)
            Output of :meth:`transform`.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features_in_)
            The input of :meth:`transform` (to rounding); columns the
            transform dropped are NaN.
        """
        check_is_fitted(self)
        n_out = len(self.get_feature_names_out())
        # X is transform's output, not the fitted input: its columns are not
        # checked against n_features_in_ and feature_names_in_
        Z = validate_input(
            self, X, reset=False, check_features=False, ensure_all_finite=False
        )
        if Z.shape[1] != n_out:
            raise ValueError(
                f"X has {Z.shape[1]} features, but {type(self).__name__}."
                f"inverse_transform is expecting {n_out} features as input "
                "(the columns of transform's output)."
            )
        return self._inverse_transform(Z)

    def _inverse_frame(self, Z, start: int) -> np.ndarray:
        """A NaN array of the input's shape, holding ``remainder_`` from ``Z``."""
        out = np.full((Z.shape[0], self.n_features_in_), np.nan)
        out[:, self.remainder_] = Z[:, start:]
        return out


def remainder_columns(n_features: int, used: Sequence[int], remainder: str):
    """Positions of the columns passed through: those not ``used``, or none."""
    if remainder == "drop":
        return []
    taken = set(used)
    return [j for j in range(n_features) if j not in taken]


def raise_at_first(bad: np.ndarray, message: Callable[..., str]) -> None:
    """Raise ``ValueError(message(*index))`` at the first True cell of ``bad``.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing._base import raise_at_first
    >>> raise_at_first(np.array([[False, True]]), lambda row, k: f"{row}, {k}")
    Traceback (most recent call last):
    ...
    ValueError: 0, 1
    """
    if bad.any():
        index = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(message(*index))


def per_column(
    spec,
    positions: Sequence[int],
    labels: Sequence[str],
    *,
    owner: str,
    param: str,
    noun: tuple[str, str],
    kind: str,
    broadcast: bool = False,
) -> np.ndarray:
    """One float per column of ``positions`` from a dict, a sequence or a scalar.

    Parameters
    ----------
    spec : dict, sequence or float
        A dict keyed by column label or position, a sequence in the order of
        ``positions``, or (with ``broadcast``) one number for every column.
    positions : sequence of int
        The columns, as positions in ``X``.
    labels : sequence of str
        The label of every column of ``X``.
    owner, param : str
        The estimator and parameter named in the messages.
    noun : (str, str)
        What one value is, and how a count of them reads (for the messages).
    kind : str
        What a column is, e.g. ``"band"`` (for the messages).
    broadcast : bool, default=False
        Whether a scalar ``spec`` is one value for all columns.

    Returns
    -------
    values : ndarray of shape (len(positions),)
        The numbers, finite (or a ValueError names the culprit).

    Examples
    --------
    >>> from skastro.preprocessing._base import per_column
    >>> per_column({"g": 3.3, 1: 2.3}, [0, 1], ["g", "r"], owner="Demo",
    ...            param="R", noun=("coefficient", "coefficient(s)"), kind="band")
    array([3.3, 2.3])
    """
    names = [labels[j] for j in positions]
    one, many = noun
    if isinstance(spec, Mapping):
        values = []
        for j, label in zip(positions, names):
            if label not in spec and j not in spec:
                raise ValueError(
                    f"{owner}: {param} has no {one} for {kind} {label!r}; "
                    f"expected one for each of {names}."
                )
            values.append(spec[label] if label in spec else spec[j])
    elif broadcast and np.ndim(spec) == 0:
        values = [spec] * len(positions)
    else:
        values = list(np.ravel(spec))
        if len(values) != len(positions):
            raise ValueError(
                f"{owner}: {param} holds {len(values)} {many} but "
                f"{len(positions)} {kind}(s) {names} are given; expected one "
                f"{one} per {kind}."
            )
    try:
        out = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{owner}: {param} = {spec!r} is not numeric; expected numbers."
        ) from exc
    raise_at_first(
        ~np.isfinite(out),
        lambda k: (
            f"{owner}: {param} holds a non-finite {one} {out[k]} for {kind} "
            f"{names[k]!r}; expected finite numbers."
        ),
    )
    return out


def renamed_parameter(estimator, old: str, new: str, default):
    """The value of parameter ``new``, or of ``old``, its deprecated former name.

    ``old`` defaults to ``"deprecated"``; when it was set, a FutureWarning
    names ``new``, and setting both is an error.

    Examples
    --------
    >>> import pytest
    >>> from sklearn.base import BaseEstimator
    >>> from skastro.preprocessing._base import renamed_parameter
    >>> class Demo(BaseEstimator):
    ...     def __init__(self, errors="raise", invalid="deprecated"):
    ...         self.errors, self.invalid = errors, invalid
    >>> renamed_parameter(Demo(errors="nan"), "invalid", "errors", "raise")
    'nan'
    >>> with pytest.warns(FutureWarning, match="'invalid' was renamed 'errors'"):
    ...     renamed_parameter(Demo(invalid="nan"), "invalid", "errors", "raise")
    'nan'
    """
    value = getattr(estimator, old)
    if isinstance(value, str) and value == "deprecated":
        return getattr(estimator, new)
    owner = type(estimator).__name__
    current = getattr(estimator, new)
    if not (current is default or (isinstance(current, str) and current == default)):
        raise ValueError(
            f"{owner}: both {new!r} and its deprecated former name {old!r} are "
            f"set; set {new!r} only."
        )
    warnings.warn(
        f"{owner}: parameter {old!r} was renamed {new!r} in 0.1 and {old!r} "
        f"will be removed in 0.2; set {new}={value!r} instead.",
        FutureWarning,
        # renamed_parameter < _fit < fit < sklearn's _fit_context < caller
        stacklevel=5,
    )
    return value
