"""Per-object light curves (arrays, dicts, DataFrames) read into flat columns.

A sequence input holds one light curve per object: an array ``(n_points,
2|3|4)`` = ``(t, m[, err[, band]])``, or a dict / DataFrame / Table with
``time``, ``mag`` [, ``err``] [, ``band``] columns. This module reads them,
names a malformed one in a :class:`BadLightCurve`, and concatenates them for
:func:`._packing.pack_sequence`.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._sequence import LightCurveSequence, _column, _column_names, _unique_labels

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
        isinstance(item, (list, tuple))
        and len(item) > 0
        and isinstance(item[0], (list, tuple, np.ndarray))
    )


def seen_bands(X) -> list:
    """Sorted unique band labels in a sequence input (empty if none given)."""
    if isinstance(X, LightCurveSequence):
        return [] if X.band is None else _unique_labels(X.band)
    labels = []
    for i, item in enumerate(X):
        band = _object_columns(item, i)[3]
        if band is not None:
            labels.append(np.asarray(band))
    if not labels:
        return []
    return _unique_labels(np.concatenate(labels))


def _object_columns(item, pos: int) -> list:
    """(t, m, err, band) of one object as given; raises :class:`BadLightCurve`."""
    if _is_table_item(item):
        return _table_columns(item, pos)
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
            "(t, m[, err[, band]])",
            pos,
        )
    if arr.dtype.kind not in "iuf":
        raise BadLightCurve(f"has dtype {arr.dtype}; expected a numeric array", pos)
    return [
        arr[:, 0],
        arr[:, 1],
        arr[:, 2] if arr.shape[1] >= 3 else None,
        arr[:, 3] if arr.shape[1] == 4 else None,
    ]


def _table_columns(item, pos: int) -> list:
    """(t, m, err, band) of a dict / DataFrame / Table, found by column alias."""
    names = _column_names(item)
    lower = {str(n).lower(): n for n in names}

    def get(keys):
        for key in keys:
            if key in lower:
                return _column(item, lower[key])
        return None

    t, m = get(_TIME_KEYS), get(_MAG_KEYS)
    if t is None or m is None:
        raise BadLightCurve(
            f"has columns {sorted(map(str, names))}; expected a time column (one "
            f"of {list(_TIME_KEYS)}) and a magnitude column (one of "
            f"{list(_MAG_KEYS)})",
            pos,
        )
    cols = [np.asarray(t), np.asarray(m), get(_ERR_KEYS), get(_BAND_KEYS)]
    lens = {
        name: np.shape(c)[0] if np.ndim(c) else -1
        for name, c in zip(("time", "mag", "err", "band"), cols)
        if c is not None
    }
    if len(set(lens.values())) > 1 or any(
        np.ndim(c) != 1 for c in cols if c is not None
    ):
        raise BadLightCurve(
            f"has mismatched column lengths {lens}; expected 1-D columns of one length",
            pos,
        )
    return cols


def _as_float(values, name: str, pos: int) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise BadLightCurve(
            f"has a non-numeric {name} column ({exc}); expected numbers",
            pos,
        ) from None


def _integral_bands(band: np.ndarray) -> np.ndarray:
    """Float band labels that are all whole numbers as int64 (NaN as -1)."""
    if band.dtype.kind == "f" and np.all(np.mod(band[np.isfinite(band)], 1) == 0):
        band = np.where(np.isfinite(band), band, -1).astype(np.int64)
    return band


def _concat_plain_arrays(X):
    """Pack a list of plain numeric ``(n_points, k)`` arrays in one concatenation.

    The common case of a sequence input (every object an ndarray with the
    same 2, 3 or 4 columns) needs no per-object conversion: returns what
    :func:`concat_objects` would, or ``None`` when any object is something
    else (that function then checks it and names it).
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


def concat_objects(X, start: int, errors: str):
    """Flat ``t, m, err, band`` of a sequence of per-object light curves.

    Returns ``(t, m, err, band, offsets, has_band, bad)``: ``band`` is
    ``None`` when no object has one, ``has_band`` flags the objects that do,
    and ``bad`` maps the position of each malformed object to its reason
    (``errors="warn"``; such objects hold no points). Under
    ``errors="raise"`` a malformed object raises :class:`BadLightCurve`
    naming its position ``start + i`` in the whole input.
    """
    fast = _concat_plain_arrays(X)
    if fast is not None:
        return fast
    ts, ms, es, bs = [], [], [], []
    n = len(X)
    lengths = np.zeros(n, dtype=np.int64)
    has_band = np.zeros(n, dtype=bool)
    bad = {}
    for i in range(n):
        pos = start + i
        try:
            t, m, e, b = _object_columns(X[i], pos)
            t, m = _as_float(t, "time", pos), _as_float(m, "magnitude", pos)
            e = np.ones(t.shape[0]) if e is None else _as_float(e, "error", pos)
        except BadLightCurve as exc:
            if errors == "raise":
                raise
            bad[i] = exc.reason
            continue
        lengths[i] = t.shape[0]
        ts.append(t)
        ms.append(m)
        es.append(e)
        if b is not None:
            bs.append(np.asarray(b))
            has_band[i] = True
        else:
            bs.append(None)
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
