"""Input helpers shared by the skastro estimators.

Everything that turns what an astronomer hands over (a numpy array, a pandas
DataFrame, an astropy Table) into the float array an estimator works on lives
here, so that every estimator accepts the same inputs and words its errors
the same way:

- :func:`table_to_frame` converts an astropy Table into a pandas DataFrame at
  the edge (units stripped, masked entries as NaN);
- :func:`validate_numeric` wraps :func:`sklearn.utils.validation.validate_data`
  and, when a cell is not a number, names its column, row and value;
- :func:`resolve_columns` maps column names or indices to integer positions,
  naming the missing column and the available ones;
- :func:`check_no_inf` rejects infinite values, naming column and row;
- :func:`column_labels` gives the label of each input column (its name, or
  ``x{i}`` for an unnamed array).

astropy is imported lazily: a Table can only be handed over once
``astropy.table`` is imported, so the helpers never import it themselves.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence

import numpy as np
from sklearn.utils.validation import validate_data

__all__ = [
    "check_no_inf",
    "column_labels",
    "is_astropy_table",
    "resolve_columns",
    "table_to_frame",
    "validate_numeric",
]


def is_astropy_table(X) -> bool:
    """Return whether ``X`` is an :class:`astropy.table.Table` (or subclass).

    Never imports astropy: an object cannot be a Table unless
    ``astropy.table`` has already been imported.

    Examples
    --------
    >>> from astropy.table import Table
    >>> from skastro.utils._validation import is_astropy_table
    >>> is_astropy_table(Table({"u": [19.0]})), is_astropy_table([[19.0]])
    (True, False)
    """
    module = sys.modules.get("astropy.table")
    return module is not None and isinstance(X, module.Table)


def table_to_frame(X):
    """Convert an astropy Table to a pandas DataFrame; pass anything else through.

    Units are stripped (the numbers are kept in the column's unit) and masked
    entries of float columns become NaN.

    Parameters
    ----------
    X : object
        Any input. Only an :class:`astropy.table.Table` is converted.

    Returns
    -------
    X : object
        A :class:`pandas.DataFrame` with the Table's column names, or ``X``
        unchanged.

    Raises
    ------
    ValueError
        If a Table column is multidimensional (one value per row is expected).

    Examples
    --------
    >>> from astropy.table import Table
    >>> from skastro.utils._validation import table_to_frame
    >>> table_to_frame(Table({"u": [19.5, 18.0], "g": [18.2, 17.1]}))
          u     g
    0  19.5  18.2
    1  18.0  17.1
    """
    if not is_astropy_table(X):
        return X
    multi = [name for name in X.colnames if X[name].ndim > 1]
    if multi:
        raise ValueError(
            f"astropy Table column(s) {multi!r} hold several values per row "
            f"(shapes {[X[name].shape for name in multi]}); expected one "
            "number per row in every column."
        )
    frame = X.to_pandas(index=False, use_nullable_int=False)
    return frame


def _first_bad_cell(X):
    """Locate the first cell of ``X`` that does not convert to float.

    Returns ``(column label, row position, value, exception)`` or ``None``.
    """
    if hasattr(X, "iloc") and hasattr(X, "columns"):
        columns = [(label, X[label].to_numpy()) for label in X.columns]
    else:
        array = np.asarray(X, dtype=object)
        if array.ndim != 2:
            return None
        columns = [(j, array[:, j]) for j in range(array.shape[1])]
    for label, values in columns:
        for i, value in enumerate(values):
            try:
                float(value)
            except (TypeError, ValueError) as exc:
                return label, i, value, exc
    return None


def validate_numeric(estimator, X, *, reset: bool, **check_params):
    """Validate ``X`` into a 2-D float64 array, accepting Tables and DataFrames.

    A thin wrapper over :func:`sklearn.utils.validation.validate_data`: an
    astropy Table is first converted to a DataFrame (so its column names
    become ``feature_names_in_``), and a cell that is not a number raises an
    error that names its column, row and value.

    Parameters
    ----------
    estimator : estimator instance
        The estimator being fitted or used.
    X : array-like, pandas DataFrame or astropy Table of shape (n_samples, n_features)
        The input.
    reset : bool
        Whether to set ``n_features_in_`` and ``feature_names_in_`` (in fit).
    **check_params
        Passed to ``validate_data``; by default ``dtype=np.float64`` and
        ``ensure_all_finite=False`` (infinite values are the estimator's to
        judge, see :func:`check_no_inf`).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The validated float array.

    Raises
    ------
    ValueError
        If a cell is a string that is not a number; names column, row, value.
    TypeError
        If a cell is an object that cannot be a number (a dict, a list).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skastro.utils._validation import validate_numeric
    >>> est = FunctionTransformer()
    >>> validate_numeric(est, pd.DataFrame({"u": [19.0], "g": [18.0]}), reset=True)
    array([[19., 18.]])
    >>> est.feature_names_in_
    array(['u', 'g'], dtype=object)
    >>> validate_numeric(
    ...     est, pd.DataFrame({"u": [19.0], "g": ["bright"]}), reset=True
    ... )
    Traceback (most recent call last):
    ...
    ValueError: FunctionTransformer got non-numeric value 'bright' in column 'g' \
at row 0; expected numbers.
    """
    X = table_to_frame(X)
    check_params.setdefault("dtype", np.float64)
    check_params.setdefault("ensure_all_finite", False)
    try:
        return validate_data(estimator, X, reset=reset, **check_params)
    except (TypeError, ValueError) as exc:
        bad = _first_bad_cell(X) if _may_hold_objects(X) else None
        if bad is None:
            raise
        label, row, value, cell_exc = bad
        where = (
            f"{type(estimator).__name__} got non-numeric value {value!r} in "
            f"column {label!r} at row {row}; expected numbers"
        )
        if isinstance(cell_exc, TypeError):
            # keep Python's own wording ("float() argument must be a string or
            # a real number, not 'dict'") after the location
            raise TypeError(f"{where} ({cell_exc}).") from exc
        raise ValueError(f"{where}.") from exc


def _may_hold_objects(X) -> bool:
    if hasattr(X, "dtypes") and hasattr(X, "columns"):
        return any(not _is_numeric_dtype(dtype) for dtype in X.dtypes)
    dtype = getattr(X, "dtype", None)
    return dtype is None or not np.issubdtype(dtype, np.number)


def _is_numeric_dtype(dtype) -> bool:
    try:
        return np.issubdtype(np.dtype(dtype), np.number) or np.dtype(dtype) == bool
    except TypeError:
        # pandas extension dtypes (nullable ints, categoricals, strings)
        return getattr(dtype, "_is_numeric", False)


def column_labels(feature_names_in, n_features: int) -> list[str]:
    """Label of each input column: its name, or ``x{i}`` for an unnamed array.

    Examples
    --------
    >>> from skastro.utils._validation import column_labels
    >>> column_labels(None, 3)
    ['x0', 'x1', 'x2']
    """
    if feature_names_in is not None:
        return [str(name) for name in feature_names_in]
    return [f"x{i}" for i in range(n_features)]


def resolve_columns(
    columns: Sequence[str | int],
    feature_names_in,
    n_features: int,
    *,
    param: str,
    owner: str,
) -> list[int]:
    """Map column names or indices to integer positions in ``X``.

    Parameters
    ----------
    columns : sequence of str or int
        Column names (looked up in ``feature_names_in``) or integer indices
        (negative ones count from the end, as in numpy).
    feature_names_in : ndarray of str or None
        The names of the columns of ``X`` (``None`` for an unnamed array).
    n_features : int
        The number of columns of ``X``.
    param : str
        The name of the parameter the columns come from, for the message.
    owner : str
        The name of the estimator, for the message.

    Returns
    -------
    positions : list of int
        One non-negative index per entry of ``columns``.

    Raises
    ------
    ValueError
        If a name is missing from ``X`` (or ``X`` has no names), or an index
        is out of range; the message names the column and what exists.
    TypeError
        If an entry is neither a string nor an integer.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.utils._validation import resolve_columns
    >>> names = np.array(["ra", "dec", "u", "g"], dtype=object)
    >>> resolve_columns(["u", -1], names, 4, param="bands", owner="Demo")
    [2, 3]
    >>> resolve_columns(["r"], names, 4, param="bands", owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: column 'r' given in bands is not a column of X; \
expected one of ['ra', 'dec', 'u', 'g'] or an integer index in [0, 4).
    """
    names = None if feature_names_in is None else [str(n) for n in feature_names_in]
    positions = []
    for column in columns:
        if isinstance(column, str):
            if names is None:
                raise ValueError(
                    f"{owner}: column {column!r} given in {param} is a name, "
                    "but X has no column names (a numpy array); pass a pandas "
                    "DataFrame or an astropy Table, or give integer indices in "
                    f"[0, {n_features})."
                )
            if column not in names:
                raise ValueError(
                    f"{owner}: column {column!r} given in {param} is not a "
                    f"column of X; expected one of {names} or an integer index "
                    f"in [0, {n_features})."
                )
            positions.append(names.index(column))
        elif isinstance(column, numbers.Integral) and not isinstance(column, bool):
            index = int(column)
            if not -n_features <= index < n_features:
                raise ValueError(
                    f"{owner}: column index {index} given in {param} is out of "
                    f"range for X with {n_features} column(s); expected an "
                    f"integer in [{-n_features}, {n_features})."
                )
            positions.append(index % n_features)
        else:
            raise TypeError(
                f"{owner}: column {column!r} given in {param} is a "
                f"{type(column).__name__}; expected a column name (str) or an "
                "integer index."
            )
    return positions


def check_no_inf(
    X: np.ndarray, positions: Sequence[int], labels: Sequence[str], *, owner: str
) -> None:
    """Raise if a column of ``X`` at ``positions`` holds an infinite value.

    NaN is allowed (it marks a missing value); the message names the first
    infinite value's column and row.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.utils._validation import check_no_inf
    >>> check_no_inf(np.array([[1.0, np.inf]]), [1], ["u", "g"], owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo got an infinite value (inf) in column 'g' at row 0; \
expected finite numbers (NaN marks a missing value).
    """
    positions = list(positions)
    if not positions:
        return
    block = X[:, positions]
    bad = np.isinf(block)
    if bad.any():
        row, k = np.argwhere(bad)[0]
        raise ValueError(
            f"{owner} got an infinite value ({block[row, k]}) in column "
            f"{labels[positions[k]]!r} at row {row}; expected finite numbers "
            "(NaN marks a missing value)."
        )
