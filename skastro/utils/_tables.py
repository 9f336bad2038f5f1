"""Tables at the edge: astropy Tables, column names and column labels.

- :func:`table_to_frame` converts an astropy Table into a pandas DataFrame at
  the edge (units stripped, masked entries as NaN);
- :func:`resolve_columns` maps column names or indices to integer positions,
  naming the missing column and the available ones;
- :func:`column_labels` gives the label of each input column (its name, or
  ``x{i}`` for an unnamed array).

astropy is imported lazily: a Table can only be handed over once
``astropy.table`` is imported, so the helpers never import it themselves.
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence

__all__ = ["column_labels", "is_astropy_table", "resolve_columns", "table_to_frame"]


def is_astropy_table(X) -> bool:
    """Return whether ``X`` is an :class:`astropy.table.Table` (or subclass).

    Never imports astropy: an object cannot be a Table unless
    ``astropy.table`` has already been imported.

    Examples
    --------
    >>> from astropy.table import Table
    >>> from skastro.utils._tables import is_astropy_table
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
    >>> from skastro.utils._tables import table_to_frame
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


def column_labels(feature_names_in, n_features: int) -> list[str]:
    """Label of each input column: its name, or ``x{i}`` for an unnamed array.

    Examples
    --------
    >>> from skastro.utils._tables import column_labels
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
    >>> from skastro.utils._tables import resolve_columns
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
