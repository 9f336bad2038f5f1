"""The one place where every accepted light-curve input becomes the packed form.

Accepted inputs (see DESIGN.md, "Light curves"):

1. a 2-D float array ``(n_samples, n_epochs)``: regular sampling at times
   ``0, 1, ..., n_epochs - 1``, NaN for a missing epoch, unit errors, one band;
2. a sequence of per-object arrays ``(n_points, 2|3|4)`` = ``(t, m[, err[,
   band]])``, or of dicts / DataFrames with ``time``, ``mag`` [, ``err``]
   [, ``band``] columns;
3. a :class:`LightCurveSequence`, made from a long table by
   :func:`from_long_table`.

All of them become one :class:`PackedLightCurves`: flat ``t, m, err, band``
arrays sorted by (object, band, time) plus CSR offsets. Feature kernels only
ever see that form.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

__all__ = ["LightCurveSequence", "PackedLightCurves", "from_long_table"]

# column aliases accepted in per-object dicts / DataFrames
_TIME_KEYS = ("time", "t", "mjd", "jd")
_MAG_KEYS = ("mag", "m", "magnitude", "flux")
_ERR_KEYS = ("err", "error", "mag_err", "magerr", "sigma")
_BAND_KEYS = ("band", "filter", "passband", "fid")


class LightCurveSequence:
    """Light curves of many objects, held packed, indexable like an array.

    Made by :func:`from_long_table`. It behaves as a 1-D sequence of light
    curves: ``len``, integer indexing (one object as a dict of arrays), and
    slicing, integer-array or boolean-mask indexing (a new
    ``LightCurveSequence``), so scikit-learn's cross-validation splitters,
    ``cross_val_score`` and ``GridSearchCV`` can split it like rows of ``X``.

    Parameters
    ----------
    time, mag : ndarray of shape (n_points,)
        Observations of all objects, object after object.
    err : ndarray of shape (n_points,) or None
        Errors, or ``None`` for unit errors.
    band : ndarray of shape (n_points,) or None
        Band labels (strings or integers), or ``None`` for a single band.
    offsets : ndarray of shape (n_objects + 1,)
        Object ``i`` is ``slice(offsets[i], offsets[i + 1])``.
    ids : ndarray of shape (n_objects,)
        Object identifiers, used in error messages.

    Attributes
    ----------
    shape : tuple of int
        ``(n_objects,)``.

    See Also
    --------
    from_long_table : Build one from a long table.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.lightcurve import LightCurveSequence
    >>> seq = LightCurveSequence(
    ...     time=np.array([0.0, 1.0, 0.0]), mag=np.array([10.0, 11.0, 12.0]),
    ...     err=None, band=None, offsets=np.array([0, 2, 3]),
    ...     ids=np.array(["a", "b"]))
    >>> len(seq), seq[0]["mag"].tolist(), seq[[1]].ids.tolist()
    (2, [10.0, 11.0], ['b'])
    """

    def __init__(self, time, mag, err, band, offsets, ids):
        self.time = np.asarray(time, dtype=float)
        self.mag = np.asarray(mag, dtype=float)
        self.err = None if err is None else np.asarray(err, dtype=float)
        self.band = None if band is None else np.asarray(band)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.ids = np.asarray(ids)
        n_points = self.time.shape[0]
        for name, arr in (("mag", self.mag), ("err", self.err), ("band", self.band)):
            if arr is not None and arr.shape != (n_points,):
                raise ValueError(
                    f"LightCurveSequence: column {name!r} has shape {arr.shape}; "
                    f"expected ({n_points},) like 'time'."
                )
        if (
            self.offsets.ndim != 1
            or self.offsets[0] != 0
            or (self.offsets[-1] != n_points)
        ):
            raise ValueError(
                "LightCurveSequence: offsets must start at 0 and end at "
                f"n_points={n_points}; got {self.offsets[[0, -1]].tolist()}."
            )
        if np.any(np.diff(self.offsets) < 0):
            raise ValueError("LightCurveSequence: offsets must be non-decreasing.")
        if self.ids.shape != (self.offsets.shape[0] - 1,):
            raise ValueError(
                f"LightCurveSequence: {self.ids.shape[0]} ids for "
                f"{self.offsets.shape[0] - 1} objects; expected one id per object."
            )

    @property
    def shape(self) -> tuple[int]:
        return (self.offsets.shape[0] - 1,)

    def __len__(self) -> int:
        return self.offsets.shape[0] - 1

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        bands = "1 band" if self.band is None else f"bands {_unique_labels(self.band)}"
        return (
            f"LightCurveSequence({len(self)} objects, {self.time.shape[0]} points, "
            f"{bands})"
        )

    def __getitem__(self, key):
        if isinstance(key, tuple):
            # numpy-style ``X[idx, ...]`` as scikit-learn's _safe_indexing does
            if len(key) == 2 and key[1] is Ellipsis:
                key = key[0]
            else:
                raise IndexError(f"LightCurveSequence is 1-D; got index {key!r}.")
        if isinstance(key, numbers.Integral):
            n = len(self)
            i = int(key) + n if key < 0 else int(key)
            if not 0 <= i < n:
                raise IndexError(f"index {key} out of range for {n} light curves")
            sl = slice(self.offsets[i], self.offsets[i + 1])
            out = {"time": self.time[sl], "mag": self.mag[sl]}
            if self.err is not None:
                out["err"] = self.err[sl]
            if self.band is not None:
                out["band"] = self.band[sl]
            return out
        if isinstance(key, slice):
            lo, hi, step = key.indices(len(self))
            if step == 1:
                return self._slice(lo, max(lo, hi))
            idx = np.arange(len(self))[key]
        else:
            idx = np.asarray(key)
            if idx.dtype == bool:
                if idx.shape != (len(self),):
                    raise IndexError(
                        f"boolean index of shape {idx.shape} for {len(self)} "
                        "light curves"
                    )
                idx = np.flatnonzero(idx)
            elif idx.size == 0:
                idx = idx.astype(np.intp)
            elif not np.issubdtype(idx.dtype, np.integer):
                raise IndexError(
                    f"LightCurveSequence index must be int, slice, int array or "
                    f"boolean mask; got dtype {idx.dtype}."
                )
        return self._take(idx)

    def _slice(self, lo: int, hi: int) -> LightCurveSequence:
        a, b = self.offsets[lo], self.offsets[hi]
        return LightCurveSequence(
            self.time[a:b],
            self.mag[a:b],
            None if self.err is None else self.err[a:b],
            None if self.band is None else self.band[a:b],
            self.offsets[lo : hi + 1] - a,
            self.ids[lo:hi],
        )

    def _take(self, idx: np.ndarray) -> LightCurveSequence:
        idx = np.asarray(idx, dtype=np.intp)
        starts = self.offsets[:-1][idx]
        lengths = self.offsets[1:][idx] - starts
        new_offsets = np.zeros(idx.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=new_offsets[1:])
        points = _ranges(starts, lengths)
        return LightCurveSequence(
            self.time[points],
            self.mag[points],
            None if self.err is None else self.err[points],
            None if self.band is None else self.band[points],
            new_offsets,
            self.ids[idx],
        )


def from_long_table(
    table,
    *,
    id: str,
    time: str,
    mag: str,
    err: str | None = None,
    band: str | None = None,
) -> LightCurveSequence:
    """Group a long table (one row per observation) into light curves.

    Parameters
    ----------
    table : pandas.DataFrame, astropy.table.Table or dict of arrays
        One row per observation, e.g. ZTF alert photometry.
    id : str
        Column with the object identifier. Objects keep the order of their
        first row.
    time, mag : str
        Columns with the time and the magnitude (or flux).
    err : str, default=None
        Column with the errors; ``None`` means unit errors.
    band : str, default=None
        Column with the band (strings such as ``"g"`` or integers such as
        ZTF's ``fid``); ``None`` means one band.

    Returns
    -------
    LightCurveSequence
        One entry per object, indexable by scikit-learn, with ``ids``.

    Raises
    ------
    ValueError
        When a named column is missing.

    See Also
    --------
    LightCurveFeatures : Features from the returned sequence.

    Examples
    --------
    >>> import pandas as pd
    >>> from skastro.lightcurve import from_long_table
    >>> table = pd.DataFrame({
    ...     "oid": ["a", "b", "a", "a"], "mjd": [1.0, 2.0, 3.0, 2.0],
    ...     "mag": [15.0, 16.0, 15.5, 15.2], "fid": [1, 2, 1, 2]})
    >>> seq = from_long_table(table, id="oid", time="mjd", mag="mag", band="fid")
    >>> seq
    LightCurveSequence(2 objects, 4 points, bands [1, 2])
    >>> seq[0]["time"].tolist()
    [1.0, 3.0, 2.0]
    """
    cols = {"id": id, "time": time, "mag": mag, "err": err, "band": band}
    names = _column_names(table)
    data = {}
    for role, col in cols.items():
        if col is None:
            data[role] = None
            continue
        if col not in names:
            raise ValueError(
                f"from_long_table: column {col!r} (given as {role}=) is not in the "
                f"table; its columns are {sorted(map(str, names))}."
            )
        data[role] = _column(table, col)
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(data["id"]), sort=False)
    if np.any(codes < 0):
        bad = np.flatnonzero(codes < 0)[:5].tolist()
        raise ValueError(
            f"from_long_table: missing {id!r} in rows {bad}; every row needs an id."
        )
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(uniques))
    offsets = np.zeros(len(uniques) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])

    def take(arr, as_float=True):
        if arr is None:
            return None
        arr = np.asarray(arr)[order]
        if as_float:
            try:
                return arr.astype(float)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"from_long_table: column could not be read as float: {exc}"
                ) from None
        return arr

    return LightCurveSequence(
        take(data["time"]),
        take(data["mag"]),
        take(data["err"]),
        take(data["band"], as_float=False),
        offsets,
        np.asarray(uniques),
    )


@dataclass
class PackedLightCurves:
    """Light curves packed CSR-style, sorted by (object, band, time).

    Attributes
    ----------
    t, m, err : ndarray of shape (n_points,)
        Finite observations only.
    band : ndarray of shape (n_points,), dtype intp
        Index into ``bands``.
    offsets : ndarray of shape (n_objects + 1,)
        Object boundaries.
    bands : ndarray
        Band labels.
    ids : ndarray of shape (n_objects,)
        Identifiers for messages.
    bad : dict
        Object position -> reason, for objects rejected under
        ``errors="warn"`` (they hold no points).
    n_dropped, n_dropped_objects : int
        Non-finite points dropped, and objects that lost any.
    """

    t: np.ndarray
    m: np.ndarray
    err: np.ndarray
    band: np.ndarray
    offsets: np.ndarray
    bands: np.ndarray
    ids: np.ndarray
    bad: dict = field(default_factory=dict)
    n_dropped: int = 0
    n_dropped_objects: int = 0

    @property
    def n_objects(self) -> int:
        return self.offsets.shape[0] - 1

    def segment_offsets(self) -> np.ndarray:
        """Offsets of the (object, band) segments, object-major."""
        n_bands = len(self.bands)
        if n_bands == 1:
            return self.offsets
        obj = np.repeat(np.arange(self.n_objects), np.diff(self.offsets))
        counts = np.bincount(
            obj * n_bands + self.band, minlength=self.n_objects * n_bands
        )
        seg = np.zeros(self.n_objects * n_bands + 1, dtype=np.int64)
        np.cumsum(counts, out=seg[1:])
        return seg


# --------------------------------------------------------------------------
# input kinds


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


def _is_object_item(item) -> bool:
    if isinstance(item, dict) or hasattr(item, "iloc") or hasattr(item, "colnames"):
        return True
    return getattr(item, "ndim", None) == 2 or (
        isinstance(item, (list, tuple))
        and len(item) > 0
        and isinstance(item[0], (list, tuple, np.ndarray))
    )


def n_objects(X) -> int:
    return len(X)


def seen_bands(X) -> list:
    """Sorted unique band labels in a sequence input (empty if none given)."""
    if isinstance(X, LightCurveSequence):
        return [] if X.band is None else _unique_labels(X.band)
    labels = []
    for i, item in enumerate(X):
        cols = _object_columns(item, i, i)
        if cols[3] is not None:
            labels.append(np.asarray(cols[3]))
    if not labels:
        return []
    return _unique_labels(np.concatenate(labels))


def _unique_labels(values) -> list:
    values = np.asarray(values)
    if values.dtype.kind == "f" and np.all(np.mod(values, 1) == 0):
        values = values.astype(np.int64)
    try:
        uniq = sorted(set(values.tolist()))
    except TypeError:
        kinds = sorted({type(v).__name__ for v in values.tolist()})
        raise ValueError(
            f"band labels mix types {kinds}; expected all strings or all integers."
        ) from None
    return uniq


def pack_regular(X: np.ndarray, bands) -> PackedLightCurves:
    """Pack a validated 2-D float array (rows = objects, columns = epochs)."""
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    finite = np.isfinite(X)
    n_inf = int(np.count_nonzero(np.isinf(X)))
    lengths = finite.sum(axis=1)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    t = np.broadcast_to(np.arange(k, dtype=float), (n, k))[finite]
    m = X[finite]
    n_inf_obj = int(np.count_nonzero(np.isinf(X).any(axis=1))) if n_inf else 0
    return PackedLightCurves(
        t=np.ascontiguousarray(t),
        m=np.ascontiguousarray(m),
        err=np.ones_like(m),
        band=np.zeros(m.shape[0], dtype=np.intp),
        offsets=offsets,
        bands=np.asarray(bands),
        ids=np.arange(n),
        n_dropped=n_inf,
        n_dropped_objects=n_inf_obj,
    )


def pack_sequence(X, bands, *, errors: str = "raise", start: int = 0):
    """Pack a sequence input; ``start`` is the position of ``X[0]`` in the batch."""
    bands = np.asarray(bands)
    if isinstance(X, LightCurveSequence):
        t, m, err, band_raw = X.time, X.mag, X.err, X.band
        offsets = X.offsets
        ids = X.ids
        has_band = np.full(len(X), band_raw is not None)
        bad = {}
    else:
        t, m, err, band_raw, offsets, has_band, bad = _concat_objects(X, start, errors)
        ids = np.arange(start, start + len(X))
    n_obj = offsets.shape[0] - 1
    n_points = t.shape[0]
    lengths = np.diff(offsets)
    obj = np.repeat(np.arange(n_obj), lengths)
    if err is None:
        err = np.ones(n_points)

    # band labels -> indices
    if band_raw is None:
        band_idx = np.zeros(n_points, dtype=np.intp)
        if len(bands) > 1:
            bad_objs = np.arange(n_obj)[lengths > 0]
            _reject(
                bad,
                bad_objs,
                ids,
                "has no band column but the transformer "
                f"was fitted on bands {bands.tolist()}",
                errors,
            )
    else:
        band_idx = _band_indices(band_raw, bands, has_band, obj)
        if len(bands) > 1 and not np.all(has_band):
            no_band = np.flatnonzero(~has_band & (lengths > 0))
            _reject(
                bad,
                no_band,
                ids,
                "has no band column but the transformer "
                f"was fitted on bands {bands.tolist()}",
                errors,
            )
            band_idx = np.where(has_band[obj], band_idx, 0)
        unknown = band_idx < 0
        if np.any(unknown):
            bad_objs = np.unique(obj[unknown])
            first = np.asarray(band_raw[np.flatnonzero(unknown)[0]]).item()
            _reject(
                bad,
                bad_objs,
                ids,
                f"has unknown band {first!r}; expected one of "
                f"{bands.tolist()} (set bands= or refit)",
                errors,
            )
            band_idx = np.where(unknown, 0, band_idx)

    # non-finite points are dropped and counted
    finite = np.isfinite(t) & np.isfinite(m) & np.isfinite(err)
    n_dropped = int(n_points - np.count_nonzero(finite))
    n_dropped_objects = int(np.unique(obj[~finite]).shape[0]) if n_dropped else 0
    nonpos = finite & (err <= 0)
    if np.any(nonpos):
        bad_objs = np.unique(obj[nonpos])
        first = float(err[np.flatnonzero(nonpos)[0]])
        _reject(
            bad,
            bad_objs,
            ids,
            f"has a non-positive error {first!r}; errors must be > 0",
            errors,
        )
    keep = finite
    if bad:
        bad_pos = np.fromiter(bad.keys(), dtype=np.intp)
        is_bad = np.zeros(n_obj, dtype=bool)
        is_bad[bad_pos] = True
        keep = keep & ~is_bad[obj]
    if not np.all(keep):
        t, m, err, band_idx, obj = (
            t[keep],
            m[keep],
            err[keep],
            band_idx[keep],
            obj[keep],
        )
        counts = np.bincount(obj, minlength=n_obj)
        offsets = np.zeros(n_obj + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])

    # sort by (object, band, time, mag) unless already sorted
    from ._features._segments import is_sorted

    if t.shape[0] > 1 and not is_sorted(obj, band_idx, t, m):
        order = np.lexsort((m, t, band_idx, obj))
        t, m, err, band_idx = t[order], m[order], err[order], band_idx[order]
    return PackedLightCurves(
        t=np.ascontiguousarray(t, dtype=float),
        m=np.ascontiguousarray(m, dtype=float),
        err=np.ascontiguousarray(err, dtype=float),
        band=np.ascontiguousarray(band_idx, dtype=np.intp),
        offsets=np.asarray(offsets, dtype=np.int64),
        bands=bands,
        ids=ids,
        bad=bad,
        n_dropped=n_dropped,
        n_dropped_objects=n_dropped_objects,
    )


def _reject(bad, objs, ids, message, errors):
    objs = np.asarray(objs, dtype=np.intp)
    if objs.size == 0:
        return
    if errors == "raise":
        shown = ", ".join(_describe(int(i), ids) for i in objs[:5])
        more = f" (and {objs.size - 5} more)" if objs.size > 5 else ""
        raise ValueError(f"light curve {shown}{more} {message}.")
    for i in objs.tolist():
        bad.setdefault(i, message)


def _describe(i: int, ids) -> str:
    ident = ids[i]
    if isinstance(ident, (numbers.Integral, np.integer)) and ident == i:
        return f"{i}"
    return f"{i} (id {ident!r})"


def _band_indices(band_raw, bands, has_band, obj) -> np.ndarray:
    band_raw = np.asarray(band_raw)
    out = np.full(band_raw.shape[0], -1, dtype=np.intp)
    labels = bands.tolist()
    if band_raw.dtype.kind in "iuf" and all(
        isinstance(b, numbers.Number) for b in labels
    ):
        arr = np.asarray(labels, dtype=float)
        order = np.argsort(arr)
        vals = band_raw.astype(float)
        pos = np.searchsorted(arr[order], vals)
        pos = np.clip(pos, 0, len(arr) - 1)
        hit = arr[order][pos] == vals
        out[hit] = order[pos[hit]]
    else:
        lookup = {label: j for j, label in enumerate(labels)}
        lookup.update({str(label): j for j, label in enumerate(labels)})
        uniq, inverse = np.unique(band_raw.astype(str), return_inverse=True)
        mapped = np.array([lookup.get(u, -1) for u in uniq.tolist()], dtype=np.intp)
        out = mapped[inverse.ravel()]
    # objects given without a band column take the only band
    if not np.all(has_band):
        no_band = ~has_band[obj]
        out[no_band] = 0 if len(labels) == 1 else -1
    return out


def _column_names(table):
    if hasattr(table, "colnames"):
        return list(table.colnames)
    if hasattr(table, "columns"):
        return list(table.columns)
    if isinstance(table, dict):
        return list(table.keys())
    raise TypeError(
        f"from_long_table: expected a pandas DataFrame, an astropy Table or a dict "
        f"of columns; got {type(table).__name__}."
    )


def _column(table, name):
    col = table[name]
    if hasattr(col, "to_numpy"):
        return col.to_numpy()
    if hasattr(col, "filled") and getattr(col, "mask", None) is not None:
        try:
            return np.asarray(col.filled(np.nan))
        except (TypeError, ValueError):
            return np.asarray(col)
    return np.asarray(col)


def _ranges(starts, lengths) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each (s, n), vectorised."""
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    first_out = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    return (np.repeat(starts - first_out, lengths) + np.arange(total)).astype(np.intp)


def _object_columns(item, i, pos):
    """(t, m, err, band) of one object; raises on a malformed object."""
    if isinstance(item, dict) or hasattr(item, "iloc") or hasattr(item, "colnames"):
        names = _column_names(item)
        lower = {str(n).lower(): n for n in names}

        def get(keys):
            for key in keys:
                if key in lower:
                    return _column(item, lower[key])
            return None

        t, m = get(_TIME_KEYS), get(_MAG_KEYS)
        if t is None or m is None:
            raise ValueError(
                f"light curve {pos} has columns {sorted(map(str, names))}; expected "
                f"a time column (one of {list(_TIME_KEYS)}) and a magnitude column "
                f"(one of {list(_MAG_KEYS)})."
            )
        err, band = get(_ERR_KEYS), get(_BAND_KEYS)
        cols = [np.asarray(t), np.asarray(m), err, band]
        lens = {
            name: np.shape(c)[0] if np.ndim(c) else -1
            for name, c in zip(("time", "mag", "err", "band"), cols)
            if c is not None
        }
        if len(set(lens.values())) > 1 or any(
            np.ndim(c) != 1 for c in cols if c is not None
        ):
            raise ValueError(
                f"light curve {pos} has mismatched column lengths {lens}; expected "
                "1-D columns of one length."
            )
        return cols
    arr = np.asarray(item)
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            raise ValueError(
                f"light curve {pos} could not be read as a float array "
                f"(n_points, 2|3|4); got {type(item).__name__} with dtype object."
            ) from None
    if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
        raise ValueError(
            f"light curve {pos} has shape {arr.shape}; expected (n_points, 2|3|4) "
            "columns (t, m[, err[, band]])."
        )
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"light curve {pos} has dtype {arr.dtype}; expected a numeric array."
        )
    return [
        arr[:, 0],
        arr[:, 1],
        arr[:, 2] if arr.shape[1] >= 3 else None,
        arr[:, 3] if arr.shape[1] == 4 else None,
    ]


def _concat_plain_arrays(X):
    """Pack a list of plain numeric ``(n_points, k)`` arrays in one concatenation.

    The common case of a sequence input (every object an ndarray with the
    same 2, 3 or 4 columns) needs no per-object conversion: returns what
    :func:`_concat_objects` would, or ``None`` when any object is something
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
    band = None
    if n_cols == 4:
        band = packed[:, 3]
        if band.dtype.kind == "f" and np.all(np.mod(band[np.isfinite(band)], 1) == 0):
            band = np.where(np.isfinite(band), band, -1).astype(np.int64)
    has_band = np.full(n, n_cols == 4)
    return columns[0], columns[1], err, band, offsets, has_band, {}


def _concat_objects(X, start, errors):
    fast = _concat_plain_arrays(X)
    if fast is not None:
        return fast
    ts, ms, es, bs = [], [], [], []
    n = len(X)
    lengths = np.zeros(n, dtype=np.int64)
    has_err = np.zeros(n, dtype=bool)
    has_band = np.zeros(n, dtype=bool)
    bad = {}
    for i in range(n):
        try:
            t, m, e, b = _object_columns(X[i], i, start + i)
            t = np.asarray(t, dtype=float)
            m = np.asarray(m, dtype=float)
        except (ValueError, TypeError) as exc:
            if errors == "raise":
                raise ValueError(str(exc)) from None
            bad[i] = str(exc).split(" ", 3)[-1].rstrip(".")
            continue
        lengths[i] = t.shape[0]
        ts.append(t)
        ms.append(m)
        if e is not None:
            es.append(np.asarray(e, dtype=float))
            has_err[i] = True
        else:
            es.append(np.ones(t.shape[0]))
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
    if has_band.any():
        kinds = {b.dtype.kind for b in bs if b is not None}
        fill = "" if kinds & {"U", "S", "O"} else -1
        band = np.concatenate(
            [
                b if b is not None else np.full(len(ts[k]), fill)
                for k, b in enumerate(bs)
            ]
        )
        if band.dtype.kind == "f" and np.all(np.mod(band[np.isfinite(band)], 1) == 0):
            band = np.where(np.isfinite(band), band, -1).astype(np.int64)
    else:
        band = None
    return t, m, err, band, offsets, has_band, bad
