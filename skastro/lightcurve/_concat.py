"""A batch of per-object light curves joined into flat columns for packing.

:func:`concat_objects` reads each object with :func:`._objects.read_object`
and concatenates the columns; two common forms, plain ``(n_points, k)``
arrays and ``(t, m[, err[, band]])`` tuples of 1-D arrays, skip the
per-object step and take one concatenation per column.
"""

from __future__ import annotations

import numpy as np

from ._columns import decode_labels
from ._objects import BadLightCurve, read_object
from ._times import day_factor


def concat_objects(X, start: int, errors: str, time_unit="d"):
    """Flat ``t, m, err, band`` of a sequence of per-object light curves.

    Returns ``(t, m, err, band, offsets, has_band, bad)``: ``t`` in days
    (plain numbers read in ``time_unit``), ``band`` is ``None`` when no
    object has one, ``has_band`` flags the objects that do, and ``bad`` maps
    the position of each malformed object to its reason (``errors="warn"``;
    such objects hold no points). Under ``errors="raise"`` a malformed object
    raises :class:`BadLightCurve` naming its position ``start + i`` in the
    whole input.
    """
    factor = day_factor(time_unit)
    fast = _concat_plain_arrays(X)
    if fast is None:
        fast = _concat_column_tuples(X)
    if fast is not None:
        t = fast[0] * factor if factor != 1.0 else fast[0]
        return (t, *fast[1:])
    ts, ms, es, bs = [], [], [], []
    n = len(X)
    lengths = np.zeros(n, dtype=np.int64)
    has_band = np.zeros(n, dtype=bool)
    bad = {}
    for i in range(n):
        try:
            t, m, e, b = read_object(X[i], start + i, time_unit)
        except BadLightCurve as exc:
            if errors == "raise":
                raise
            bad[i] = exc.reason
            continue
        lengths[i] = t.shape[0]
        ts.append(t)
        ms.append(m)
        es.append(np.ones(t.shape[0]) if e is None else e)
        bs.append(b)
        has_band[i] = b is not None
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    t = np.concatenate(ts) if ts else np.zeros(0)
    m = np.concatenate(ms) if ms else np.zeros(0)
    err = np.concatenate(es) if es else np.zeros(0)
    band = None
    if has_band.any():
        kinds = {b.dtype.kind for b in bs if b is not None}
        fill = "" if kinds & {"U", "S", "O"} else -1
        band = _integral_bands(
            np.concatenate(
                [
                    b if b is not None else np.full(len(ts[k]), fill)
                    for k, b in enumerate(bs)
                ]
            )
        )
    return t, m, err, band, offsets, has_band, bad


def _integral_bands(band: np.ndarray) -> np.ndarray:
    """Float band labels that are all whole numbers as int64 (NaN as -1)."""
    if band.dtype.kind == "f" and np.all(np.mod(band[np.isfinite(band)], 1) == 0):
        band = np.where(np.isfinite(band), band, -1).astype(np.int64)
    return band


def _concat_plain_arrays(X):
    """Pack a list of plain numeric ``(n_points, k)`` arrays in one concatenation.

    The common case of a sequence input (every object an ndarray with the
    same 2, 3 or 4 columns) needs no per-object conversion: returns what
    :func:`concat_objects` would (times as given), or ``None`` when any
    object is something else (the per-object path then checks it and names
    it).
    """
    if not isinstance(X, list | tuple) or not X:
        return None
    n_cols = X[0].shape[1] if isinstance(X[0], np.ndarray) and X[0].ndim == 2 else 0
    if n_cols not in (2, 3, 4):
        return None
    for item in X:
        if (
            type(item) is not np.ndarray
            or item.ndim != 2
            or item.shape[1] != n_cols
            or item.dtype.kind not in "iuf"
        ):
            return None
    n = len(X)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum([item.shape[0] for item in X], out=offsets[1:])
    packed = np.concatenate(X, axis=0)
    columns = np.ascontiguousarray(packed.T, dtype=float)  # one row per column
    err = columns[2] if n_cols >= 3 else np.ones(packed.shape[0])
    band = _integral_bands(packed[:, 3]) if n_cols == 4 else None
    has_band = np.full(n, n_cols == 4)
    return columns[0], columns[1], err, band, offsets, has_band, {}


def _concat_column_tuples(X):
    """Pack a list of ``(t, m[, err[, band]])`` tuples of 1-D numeric arrays.

    Every object a tuple (or list) of the same number of plain 1-D ndarrays
    of one length, numbers except for the band (numbers, str or bytes):
    returns what :func:`concat_objects` would (times as given), or ``None``
    otherwise.
    """
    if not isinstance(X, list | tuple) or not X:
        return None
    k = len(X[0]) if isinstance(X[0], tuple | list) else 0
    if k not in (2, 3, 4):
        return None
    lengths = np.zeros(len(X), dtype=np.int64)
    for i, item in enumerate(X):
        if not isinstance(item, tuple | list) or len(item) != k:
            return None
        for j, col in enumerate(item):
            kinds = "iufUS" if j == 3 else "iuf"
            if (
                type(col) is not np.ndarray
                or col.ndim != 1
                or col.dtype.kind not in kinds
                or col.shape[0] != item[0].shape[0]
            ):
                return None
        lengths[i] = item[0].shape[0]
    if k == 4 and len({_label_kind(item[3]) for item in X}) > 1:
        return None  # numbers and text: the per-object path keeps them apart
    offsets = np.zeros(len(X) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    columns = [np.concatenate([item[j] for item in X]) for j in range(k)]
    t, m = (np.asarray(c, dtype=float) for c in columns[:2])
    err = np.asarray(columns[2], dtype=float) if k >= 3 else np.ones(t.shape[0])
    band = _integral_bands(decode_labels(columns[3])) if k == 4 else None
    return t, m, err, band, offsets, np.full(len(X), k == 4), {}


def _label_kind(band: np.ndarray) -> str:
    return "number" if band.dtype.kind in "iuf" else band.dtype.kind
