"""Columns of the tables a light curve comes in, read as plain numpy arrays.

A long table or a per-object table may be a pandas DataFrame, an astropy
Table / QTable or a dict of arrays. This module finds its column names,
reads one column (masked cells as NaN) and converts it to floats; a cell that
is not a number raises a :class:`ColumnError` naming the first bad value and
its row, so that the caller can put it in its own words.
"""

from __future__ import annotations

import numpy as np


class ColumnError(ValueError):
    """A column that cannot be read, split into what is wrong and what is not.

    The message reads ``"column <column> <problem>; expected <expected>."``;
    callers that name the column differently (``from_long_table``, a per-object
    :class:`BadLightCurve`) rebuild their message from the parts.

    Parameters
    ----------
    column : str
        Name of the column.
    problem : str
        What is wrong, e.g. ``"has unit 'm' (physical type 'length')"``.
    expected : str
        What is accepted, e.g. ``"numbers"``.
    row : int, default=None
        Row (position from 0) of the first bad cell, when one cell is at fault.
    value : object, default=None
        That cell's value.
    """

    def __init__(self, column, problem: str, expected: str, row=None, value=None):
        self.column, self.problem, self.expected = column, problem, expected
        self.row, self.value = row, value
        super().__init__(f"column {column!r} {problem}; expected {expected}.")

    def __reduce__(self):
        args = (self.column, self.problem, self.expected, self.row, self.value)
        return type(self), args


def column_names(table) -> list:
    """Column names of a DataFrame, an astropy Table or a dict of columns."""
    if hasattr(table, "colnames"):
        return list(table.colnames)
    if hasattr(table, "columns"):
        return list(table.columns)
    if isinstance(table, dict):
        return list(table.keys())
    raise TypeError(
        f"expected a pandas DataFrame, an astropy Table or a dict of columns; got "
        f"{type(table).__name__}."
    )


def column(table, name):
    """Column ``name`` as a numpy array; masked cells of numbers become NaN.

    Time columns are read with :func:`raw_column` instead, so that their
    units, time scale and time zone reach :func:`._times.as_days`.
    """
    return filled(raw_column(table, name))


def raw_column(table, name):
    """Column ``name`` as the table holds it (Series, Column, Time, Quantity)."""
    return table[name]


def filled(values) -> np.ndarray:
    """``values`` as an ndarray, masked cells as NaN where the dtype allows it."""
    if hasattr(values, "to_numpy"):  # pandas; nullable numbers: <NA> as NaN
        dtype = values.dtype
        if getattr(dtype, "na_value", None) is not None and dtype.kind in "iufb":
            return values.to_numpy(dtype=float, na_value=np.nan)
        return values.to_numpy()
    mask = getattr(values, "mask", None)
    if mask is not None and np.any(mask):
        if hasattr(values, "unmasked"):  # astropy's Masked arrays
            data = np.asarray(values.unmasked)
        else:
            data = np.asarray(np.ma.getdata(values))
        if data.dtype.kind in "iufb":
            return np.where(np.asarray(mask), np.nan, data.astype(float))
        return data
    if hasattr(values, "unmasked"):
        return np.asarray(values.unmasked)
    return np.asarray(values)


def as_float(values, *, column: str) -> np.ndarray:
    """``values`` as float64; raises :class:`ColumnError` naming a bad cell.

    Numbers and numeric strings convert as :func:`numpy.asarray` converts
    them; complex numbers, dates and other values are refused with the first
    such value and its row (position from 0).
    """
    arr = filled(values)
    if arr.dtype.kind == "c":
        raise ColumnError(column, f"has dtype {arr.dtype}", "real numbers")
    if arr.dtype.kind in "mM":
        raise ColumnError(column, f"has dtype {arr.dtype}", "numbers")
    try:
        return np.asarray(arr, dtype=float)
    except (TypeError, ValueError):
        raise non_numeric(arr, column=column, expected="numbers") from None


def non_numeric(values, *, column, expected: str) -> ColumnError:
    """The :class:`ColumnError` for ``values``, naming its first non-number."""
    row, value = first_bad_value(values)
    where = f"{value!r} ({type(value).__name__}) at row {row}"
    return ColumnError(
        column,
        f"could not be read as float: first bad value {where}",
        expected,
        row=row,
        value=value,
    )


def first_bad_value(values) -> tuple[int, object]:
    """Row and value of the first cell of ``values`` that is not a float."""
    for row, value in enumerate(np.asarray(values, dtype=object).ravel().tolist()):
        try:
            float(value)
        except (TypeError, ValueError):
            return row, value
        if isinstance(value, complex):
            return row, value
    return -1, None  # not reached for an array that failed to convert


def decode_labels(values) -> np.ndarray:
    """Band labels with bytes (FITS text columns) decoded to str."""
    arr = np.asarray(values)
    if arr.dtype.kind == "S":
        return np.char.decode(arr, "utf-8")
    if arr.dtype == object and any(isinstance(v, bytes) for v in arr.tolist()):
        return np.array(
            [v.decode("utf-8") if isinstance(v, bytes) else v for v in arr.tolist()],
            dtype=object,
        )
    return arr
