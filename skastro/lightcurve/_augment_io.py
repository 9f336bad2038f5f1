"""Light-curve input and output of :class:`._augment.LightCurveGPAugmenter`.

Every accepted input becomes a :class:`LightCurveSequence` through the public
constructor or :func:`from_long_table`; the new light curves are appended to
it in :func:`concat`.
"""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np

from ._sequence import LightCurveSequence, from_long_table

_NAME = "LightCurveGPAugmenter"


def is_light_curves(X) -> bool:
    """A LightCurveSequence or a sequence of per-object light curves."""
    if isinstance(X, LightCurveSequence):
        return True
    if isinstance(X, np.ndarray) and X.dtype != object:
        return False
    if not isinstance(X, (list, tuple, np.ndarray)) or len(X) == 0:
        return False
    first = X[0]
    return isinstance(first, dict) or np.ndim(first) == 2


def as_sequence(X) -> LightCurveSequence:
    """A LightCurveSequence of per-object arrays or dicts (ids = positions)."""
    if isinstance(X, LightCurveSequence):
        return X
    cols = {"id": [], "time": [], "mag": [], "err": [], "band": []}
    has = {"err": False, "band": False}
    for pos, item in enumerate(X):
        if isinstance(item, dict):
            parts = [item.get(k) for k in ("time", "mag", "err", "band")]
        else:
            arr = np.asarray(item, dtype=float)
            if arr.ndim != 2 or arr.shape[1] not in (2, 3, 4):
                raise ValueError(
                    f"{_NAME}: light curve {pos} has shape {arr.shape}; expected "
                    "(n_points, 2|3|4) columns (t, m[, err[, band]])."
                )
            parts = [arr[:, j] if j < arr.shape[1] else None for j in range(4)]
        if parts[0] is None or parts[1] is None:
            raise ValueError(
                f"{_NAME}: light curve {pos} has no 'time' or 'mag'; expected both."
            )
        n = np.shape(parts[0])[0]
        cols["id"].append(np.full(n, pos))
        for name, part in zip(("time", "mag", "err", "band"), parts):
            if name in has and part is not None:
                has[name] = True
            cols[name].append(part)
    table = {"id": np.concatenate(cols["id"])}
    for name in ("time", "mag", "err", "band"):
        if name in ("time", "mag") or has[name]:
            fill = np.nan if name != "band" else -1
            table[name] = np.concatenate(
                [
                    np.full(len(i), fill) if p is None else np.asarray(p)
                    for p, i in zip(cols[name], cols["id"])
                ]
            )
    if has["band"] and table["band"].dtype.kind == "f":
        table["band"] = table["band"].astype(np.int64)
    return from_long_table(
        table,
        id="id",
        time="time",
        mag="mag",
        err="err" if has["err"] else None,
        band="band" if has["band"] else None,
    )


def regular_to_sequence(X) -> LightCurveSequence:
    """Rows of a 2-D array as light curves at times 0..n-1 (NaN = no epoch)."""
    X = np.asarray(X, dtype=float)
    n, k = X.shape
    finite = ~np.isnan(X)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(finite.sum(axis=1), out=offsets[1:])
    t = np.broadcast_to(np.arange(k, dtype=float), (n, k))[finite]
    return LightCurveSequence(t, X[finite], None, None, offsets, np.arange(n))


def band_labels(seq) -> list:
    return [0] if seq.band is None else np.unique(seq.band).tolist()


def band_index(seq, bands) -> np.ndarray:
    if seq.band is None:
        return np.zeros(seq.time.shape[0], dtype=np.intp)
    return np.searchsorted(np.asarray(bands), seq.band).astype(np.intp)


def usable_points(seq, regular) -> np.ndarray:
    """Points a template may use; non-finite ones are counted in a warning."""
    ok = np.isfinite(seq.time) & np.isfinite(seq.mag)
    if seq.err is not None:
        ok &= np.isfinite(seq.err) & (seq.err > 0)
    n_bad = int(ok.shape[0] - np.count_nonzero(ok))
    if n_bad and not regular:
        obj = np.repeat(np.arange(len(seq)), np.diff(seq.offsets))
        n_obj = np.unique(obj[~ok]).shape[0]
        warnings.warn(
            f"{_NAME}: left out {n_bad} point(s) with a non-finite time, "
            f"magnitude or error, or an error <= 0, from {n_obj} light curve(s).",
            UserWarning,
            stacklevel=5,
        )
    return ok


def fraction_range(keep_fraction) -> tuple[float, float]:
    if isinstance(keep_fraction, tuple):
        ok = len(keep_fraction) == 2 and all(
            isinstance(v, Real) and 0 < v <= 1 for v in keep_fraction
        )
        if not ok or keep_fraction[0] > keep_fraction[1]:
            raise ValueError(
                f"keep_fraction={keep_fraction!r} must be a float in (0, 1] or a "
                "pair (low, high) with 0 < low <= high <= 1."
            )
        return float(keep_fraction[0]), float(keep_fraction[1])
    return float(keep_fraction), float(keep_fraction)


def concat(seq, new) -> LightCurveSequence:
    """``seq`` followed by the new curves, with errors and band labels."""
    bands = np.asarray(band_labels(seq))
    err = np.ones(seq.time.shape[0]) if seq.err is None else seq.err
    lengths = [len(c[0]) for c in new]
    offsets = np.concatenate([seq.offsets, seq.offsets[-1] + np.cumsum(lengths)])
    ids = np.asarray(seq.ids.tolist() + [c[4] for c in new], dtype=object)
    band = None
    if seq.band is not None:
        band = np.concatenate([seq.band, *(bands[c[3]] for c in new)])
    return LightCurveSequence(
        np.concatenate([seq.time, *(c[0] for c in new)]),
        np.concatenate([seq.mag, *(c[1] for c in new)]),
        np.concatenate([err, *(c[2] for c in new)]),
        band,
        offsets,
        ids,
    )
