"""Input helpers shared by the skastro estimators.

Everything that turns what an astronomer hands over (a numpy array, a pandas
DataFrame, an astropy Table) into the float array an estimator works on lives
here, so that every estimator accepts the same inputs and words its errors
the same way:

- :func:`table_to_frame` converts an astropy Table into a pandas DataFrame at
  the edge (units stripped, masked entries as NaN);
- :func:`validate_table` wraps :func:`sklearn.utils.validation.validate_data`
  (Tables accepted, dtypes kept), and :func:`as_float` turns the columns an
  estimator uses into floats, naming the column, row and value of a bad cell;
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
    "as_float",
    "check_no_inf",
    "column_labels",
    "is_astropy_table",
    "resolve_columns",
    "table_to_frame",
    "validate_table",
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


def validate_table(estimator, X, *, reset: bool):
    """Validate ``X`` as a 2-D table, accepting arrays, DataFrames and Tables.

    A thin wrapper over :func:`sklearn.utils.validation.validate_data` that
    converts an astropy Table into a DataFrame first (so its column names
    become ``feature_names_in_``) and keeps the dtype: a catalogue may hold
    text columns (ids, classes) that the estimator never uses. The columns it
    does use become floats through :func:`as_float`, which names the column,
    row and value of a cell that is not a number.

    Parameters
    ----------
    estimator : estimator instance
        The estimator being fitted or used.
    X : array-like, pandas DataFrame or astropy Table of shape (n_samples, n_features)
        The input.
    reset : bool
        Whether to set ``n_features_in_`` and ``feature_names_in_`` (in fit).

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The validated array (numeric, or object for mixed columns).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skastro.utils._validation import as_float, validate_table
    >>> est = FunctionTransformer()
    >>> frame = pd.DataFrame({"u": [19.0, 18.5], "class": ["QSO", "STAR"]})
    >>> X = validate_table(est, frame, reset=True)
    >>> est.feature_names_in_
    array(['u', 'class'], dtype=object)
    >>> as_float(est, X, [0])
    array([[19. ],
           [18.5]])
    >>> as_float(est, X, [1])
    Traceback (most recent call last):
    ...
    ValueError: FunctionTransformer got non-numeric value 'QSO' in column 'class' ...
    """
    return validate_data(
        estimator, table_to_frame(X), reset=reset, dtype=None, ensure_all_finite=False
    )


def as_float(estimator, X, positions: Sequence[int], *, allow_inf: bool = False):
    """Return columns ``positions`` of ``X`` as float64, naming any bad cell.

    Parameters
    ----------
    estimator : estimator instance
        The estimator (its ``feature_names_in_``, if any, label the columns).
    X : ndarray of shape (n_samples, n_features)
        Output of :func:`validate_table`.
    positions : sequence of int
        The columns wanted.
    allow_inf : bool, default=False
        Whether infinite values are allowed (else see :func:`check_no_inf`).

    Returns
    -------
    block : ndarray of shape (n_samples, len(positions))
        The columns as float64 (NaN stays NaN).

    Raises
    ------
    ValueError
        If a cell is a string that is not a number, or infinite where not
        allowed; names the column, row and value.
    TypeError
        If a cell is an object that cannot be a number (a dict, a list);
        Python's own wording follows the location.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from skastro.utils._validation import as_float
    >>> X = np.array([[1, {"a": 1}]], dtype=object)
    >>> as_float(FunctionTransformer(), X, [1])
    Traceback (most recent call last):
    ...
    TypeError: FunctionTransformer got non-numeric value {'a': 1} in column 'x1' \
at row 0; expected numbers (float() argument must be a string or a real number, \
not 'dict').
    """
    positions = list(positions)
    labels = column_labels(getattr(estimator, "feature_names_in_", None), X.shape[1])
    owner = type(estimator).__name__
    block = X[:, positions]
    try:
        out = block.astype(np.float64)
    except (TypeError, ValueError) as exc:
        for k, j in enumerate(positions):
            for row, value in enumerate(block[:, k]):
                try:
                    float(value)
                except (TypeError, ValueError) as cell_exc:
                    where = (
                        f"{owner} got non-numeric value {value!r} in column "
                        f"{labels[j]!r} at row {row}; expected numbers"
                    )
                    if isinstance(cell_exc, TypeError):
                        raise TypeError(f"{where} ({cell_exc}).") from exc
                    raise ValueError(f"{where}.") from exc
        raise  # numpy failed on cells that float() accepts: keep its message
    if not allow_inf:
        check_no_inf(
            out, range(len(positions)), [labels[j] for j in positions], owner=owner
        )
    return out


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
