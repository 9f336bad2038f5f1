"""The one place where every accepted light-curve input becomes the packed form.

Accepted inputs (see DESIGN.md, "Light curves"):

1. a 2-D float array ``(n_samples, n_epochs)``: regular sampling at times
   ``0, 1, ..., n_epochs - 1``, NaN for a missing epoch, unit errors, one band;
2. a sequence of per-object arrays ``(n_points, 2|3|4)`` = ``(t, m[, err[,
   band]])``, of tuples of 2-4 separate 1-D columns ``(t, m[, err[,
   band]])``, or of dicts / DataFrames / Tables with ``time``, ``mag``
   [, ``err``] [, ``band``] columns;
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

from ._columns import decode_labels
from ._concat import concat_objects
from ._objects import BadLightCurve
from ._sequence import LightCurveSequence


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


def pack_sequence(
    X, bands, *, errors: str = "raise", start: int = 0, time_unit="d"
) -> PackedLightCurves:
    """Pack a sequence input; ``start`` is the position of ``X[0]`` in the batch.

    Per-object times become days: plain numbers are read in ``time_unit``,
    datetimes and astropy ``Time`` become MJD (see :func:`._times.as_days`).
    A :class:`LightCurveSequence` already holds days and ignores
    ``time_unit``. A malformed or unusable object raises
    :class:`BadLightCurve` under ``errors="raise"``; under ``errors="warn"``
    it is kept in ``bad`` with its reason and holds no points.
    """
    bands = np.asarray(bands)
    if isinstance(X, LightCurveSequence):
        t, m, err, band_raw = X.time, X.mag, X.err, X.band
        offsets = X.offsets
        ids = X.ids
        has_band = np.full(len(X), band_raw is not None)
        bad = {}
    else:
        t, m, err, band_raw, offsets, has_band, bad = concat_objects(
            X, start, errors, time_unit
        )
        ids = np.arange(start, start + len(X))
    n_obj = offsets.shape[0] - 1
    n_points = t.shape[0]
    lengths = np.diff(offsets)
    obj = np.repeat(np.arange(n_obj), lengths)
    if err is None:
        err = np.ones(n_points)

    # band labels -> indices; an object without a band column takes the only band
    if band_raw is None:
        band_idx = np.zeros(n_points, dtype=np.intp)
    else:
        band_idx = _band_indices(band_raw, bands, has_band, obj)
    if len(bands) > 1:
        _reject(
            bad,
            np.flatnonzero(~has_band & (lengths > 0)),
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


def _reject(bad, objs, ids, reason, errors):
    """Raise :class:`BadLightCurve` for ``objs``, or record ``reason`` in ``bad``."""
    objs = np.asarray(objs, dtype=np.intp)
    if objs.size == 0:
        return
    if errors == "raise":
        raise BadLightCurve(reason, objs, [ids[i] for i in objs])
    for i in objs.tolist():
        bad.setdefault(i, reason)


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
        lookup.update({_text(label): j for j, label in enumerate(labels)})
        uniq, inverse = np.unique(
            decode_labels(band_raw).astype(str), return_inverse=True
        )
        mapped = np.array([lookup.get(u, -1) for u in uniq.tolist()], dtype=np.intp)
        out = mapped[inverse.ravel()]
    # objects given without a band column take the only band
    if not np.all(has_band):
        no_band = ~has_band[obj]
        out[no_band] = 0 if len(labels) == 1 else -1
    return out


def _text(label) -> str:
    """A band label as text: bytes decoded (FITS columns), others by str."""
    return label.decode("utf-8") if isinstance(label, bytes) else str(label)
