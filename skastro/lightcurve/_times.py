"""Observation times converted to days, the one time axis the features use.

Absolute times (numpy ``datetime64``, pandas datetime columns, astropy
``Time``) become Modified Julian Dates; durations (``timedelta64``, astropy
``TimeDelta``) and ``Quantity`` columns with a time unit become days; plain
numbers are read in ``time_unit``. Date strings are never parsed: they are
refused with the first such value and its row.
"""

from __future__ import annotations

import datetime
import functools
import sys

import numpy as np

from ._columns import ColumnError, as_float, filled

__all__ = ["as_days"]

#: start of the Modified Julian Date count (MJD 0)
MJD_EPOCH = np.datetime64("1858-11-17", "D")
_DAY = np.timedelta64(1, "D")

#: units astropy does not parse that name day counts (a column read from a
#: FITS file with TUNIT = 'MJD' holds days)
_DAY_COUNTS = {"mjd", "jd", "bjd", "hjd", "bmjd", "hmjd", "tjd", "btjd", "bkjd", "rjd"}

_EXPECTED = (
    "numbers of days, datetime64, astropy Time or a Quantity with a time unit "
    "(physical type 'time')"
)
_PARSE_HINT = "; parse date strings first with pandas.to_datetime or astropy.time.Time"


def as_days(values, *, time_unit="d", column: str = "time") -> np.ndarray:
    """Times as float days: absolute times as MJD, numbers in ``time_unit``.

    Parameters
    ----------
    values : array-like of shape (n_points,)
        Times as numbers, numpy ``datetime64`` / ``timedelta64``, a pandas
        datetime column (a time-zone-aware one is converted to UTC first),
        astropy ``Time`` / ``TimeDelta``, a ``Quantity`` with a time unit
        (or a pandas column of scalars of one of these three), or an astropy
        ``Column`` whose ``unit`` is a time unit.
    time_unit : str or astropy.units.Unit, default="d"
        Unit of plain numbers (and of a dimensionless column), e.g. ``"s"``,
        ``"h"`` or ``"yr"``. Values that carry their own unit or time scale
        ignore it.
    column : str, default="time"
        Name of the column, used in error messages.

    Returns
    -------
    ndarray of shape (n_points,), dtype float64
        Days; missing times (``NaT``, masked cells) are NaN. ``datetime64``
        converts as ``(values - 1858-11-17) / 1 day``; ``Time`` as
        ``Time.mjd`` in the time scale it carries.

    Raises
    ------
    ValueError
        When ``time_unit`` is not a time unit, or the column has a unit that
        is not a time unit, holds strings or other non-numbers (the message
        names the column and the first bad value and its row), or complex
        numbers.

    See Also
    --------
    from_long_table : Uses it on the time column.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.lightcurve._times import as_days
    >>> as_days(np.array(["2000-01-01T12:00"], dtype="datetime64[ns]")).tolist()
    [51544.5]
    >>> as_days([3600.0, 7200.0], time_unit="s").tolist()
    [0.041666666666666664, 0.08333333333333333]
    >>> try:
    ...     as_days(["2019-01-01"], column="date")
    ... except ValueError as exc:
    ...     print(str(exc)[:71])
    column 'date' could not be read as float: first bad value '2019-01-01'
    """
    factor = day_factor(time_unit)
    converted = _astropy_days(values, column)
    if converted is not None:
        days, carries_unit = converted
        return days if carries_unit else days * factor
    if getattr(getattr(values, "dtype", None), "tz", None) is not None:
        import pandas as pd  # a tz-aware pandas column: UTC, then naive

        values = pd.Series(values).dt.tz_convert("UTC").dt.tz_localize(None)
    arr = filled(values)
    if arr.dtype == object and arr.size:
        # a pandas column of astropy Time / TimeDelta / Quantity scalars
        joined = _join_astropy_scalars(arr)
        if joined is not None:
            return as_days(joined, time_unit=time_unit, column=column)
    if arr.dtype.kind in "mM" or (arr.dtype == object and _all_datetimes(arr)):
        return _datetimes_to_days(arr)
    try:
        days = as_float(arr, column=column)
    except ColumnError as exc:
        if exc.row is None:
            raise ColumnError(column, exc.problem, _EXPECTED) from None
        raise ColumnError(
            column, exc.problem, _EXPECTED + _PARSE_HINT, exc.row, exc.value
        ) from None
    return days * factor if factor != 1.0 else days


def day_factor(time_unit) -> float:
    """Days in one ``time_unit``; raises ValueError for a unit of another kind.

    Examples
    --------
    >>> from skastro.lightcurve._times import day_factor
    >>> day_factor("h") * 24
    1.0
    """
    if isinstance(time_unit, str) and time_unit in ("d", "day", "days"):
        return 1.0
    try:
        return _cached_day_factor(time_unit)
    except TypeError:  # an unhashable unit-like value, e.g. a Quantity
        return _cached_day_factor.__wrapped__(time_unit)


@functools.lru_cache(maxsize=32)
def _cached_day_factor(time_unit) -> float:
    import astropy.units as u

    try:
        unit = u.Unit(time_unit)
    except (TypeError, ValueError):
        raise ValueError(
            f"time_unit={time_unit!r} is not an astropy unit; expected a time "
            "unit such as 'd', 'h', 's' or 'yr'."
        ) from None
    if unit.physical_type != "time":
        raise ValueError(
            f"time_unit={time_unit!r} has physical type '{unit.physical_type}'; "
            "expected physical type 'time' (e.g. 'd', 'h', 's' or 'yr')."
        )
    return float(unit.to(u.day))


def _astropy_days(values, column):
    """``(days, carries_unit)`` for astropy times and units, else ``None``."""
    time = sys.modules.get("astropy.time")
    if time is not None and isinstance(values, time.TimeDelta):
        return filled(values.to_value("day")), True
    if time is not None and isinstance(values, time.Time):
        return filled(values.mjd), True
    units = sys.modules.get("astropy.units")
    table = sys.modules.get("astropy.table")
    if units is not None and isinstance(values, units.Quantity):
        unit, numbers = values.unit, filled(values.value)
    elif table is not None and isinstance(values, table.Column):
        if values.unit is None:
            return None
        unit, numbers = values.unit, filled(values)
    else:
        return None
    factor = _column_unit_factor(unit, column)
    days = as_float(numbers, column=column)
    return (days, False) if factor is None else (days * factor, True)


def _column_unit_factor(unit, column):
    """Days per ``unit``; ``None`` for a dimensionless unit (plain numbers)."""
    import astropy.units as u

    if isinstance(unit, u.UnrecognizedUnit):
        if unit.name.lower() in _DAY_COUNTS:
            return 1.0
        raise ColumnError(
            column,
            f"has the unit {unit.name!r}, which astropy does not recognise",
            "a time unit (physical type 'time') such as 'd' or 's'",
        )
    if unit.physical_type == "dimensionless":
        return None
    if unit.physical_type != "time":
        raise ColumnError(
            column,
            f"has unit '{unit.to_string()}' (physical type '{unit.physical_type}')",
            "physical type 'time' (a time unit such as 'd' or 's')",
        )
    return float(unit.to(u.day))


def _join_astropy_scalars(arr: np.ndarray):
    """One ``Time`` / ``TimeDelta`` / ``Quantity`` of an object array of them.

    ``None`` unless every element is a scalar of one of these types (the
    first element's).
    """
    time = sys.modules.get("astropy.time")
    units = sys.modules.get("astropy.units")
    first = arr.flat[0]
    for module, kind in ((time, "TimeDelta"), (time, "Time"), (units, "Quantity")):
        cls = getattr(module, kind, None) if module is not None else None
        if cls is not None and isinstance(first, cls):
            break
    else:
        return None
    values = arr.ravel().tolist()
    if not all(isinstance(v, cls) and v.isscalar for v in values):
        return None
    if kind == "TimeDelta":  # possibly in several formats: as days
        return units.Quantity([v.to(units.day) for v in values])
    if kind == "Quantity":
        return units.Quantity(values)
    return cls(values)


def _all_datetimes(arr: np.ndarray) -> bool:
    """Whether an object array holds only datetimes (and missing values)."""
    seen = False
    for value in arr.ravel().tolist():
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        if not isinstance(value, datetime.datetime | np.datetime64):
            return False
        seen = True
    return seen


def _datetimes_to_days(arr: np.ndarray) -> np.ndarray:
    """MJD (datetime64) or days (timedelta64) of an array of times."""
    if arr.dtype == object:  # datetime objects, aware ones converted to UTC
        import pandas as pd

        index = pd.to_datetime(arr.ravel(), utc=True).tz_localize(None)
        arr = index.to_numpy().reshape(arr.shape)
    if arr.dtype.kind == "m":
        return np.asarray(arr / _DAY, dtype=float)
    return np.asarray((arr - MJD_EPOCH) / _DAY, dtype=float)
