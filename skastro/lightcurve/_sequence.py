"""The public light-curve sequence: LightCurveSequence and from_long_table.

A long table (one row per observation) is grouped by object into a
:class:`LightCurveSequence`, which scikit-learn can index like the rows of
``X``. Packing it for the feature kernels is :mod:`._packing`'s job.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._columns import (
    ColumnError,
    as_float,
    column,
    column_names,
    decode_labels,
    raw_column,
)
from ._times import as_days

__all__ = ["LightCurveSequence", "from_long_table"]


class LightCurveSequence:
    """Light curves of many objects, held packed, indexable like an array.

    Made by :func:`from_long_table`. It behaves as a 1-D sequence of light
    curves: ``len``, integer indexing (one object as a dict of arrays), and
    slicing, integer-array or boolean-mask indexing (a new
    ``LightCurveSequence``), so scikit-learn's cross-validation splitters,
    ``cross_val_score`` and ``GridSearchCV`` can split it like rows of ``X``.

    Parameters
    ----------
    time : array-like of shape (n_points,)
        Times of all objects, object after object: numbers in ``time_unit``,
        ``datetime64``, a pandas datetime column or astropy ``Time`` (held as
        MJD days), or a ``Quantity`` with a time unit (held as days).
    mag : ndarray of shape (n_points,)
        Magnitudes (or fluxes) in the same order.
    err : ndarray of shape (n_points,) or None
        Errors, or ``None`` for unit errors.
    band : ndarray of shape (n_points,) or None
        Band labels (strings or integers; bytes are decoded to strings), or
        ``None`` for a single band.
    offsets : ndarray of shape (n_objects + 1,)
        Object ``i`` is ``slice(offsets[i], offsets[i + 1])``.
    ids : ndarray of shape (n_objects,)
        Object identifiers, used in error messages.
    time_unit : str or astropy.units.Unit, default="d"
        Unit of plain-number times, e.g. ``"s"``, ``"h"`` or ``"yr"``.

    Attributes
    ----------
    shape : tuple of int
        ``(n_objects,)``.
    index : pandas.Index
        The ids, named ``"id"`` (the index of pandas feature tables).
    time : ndarray of shape (n_points,)
        Times in days.

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

    def __init__(self, time, mag, err, band, offsets, ids, *, time_unit="d"):
        try:
            self.time = as_days(time, time_unit=time_unit, column="time")
            self.mag = as_float(mag, column="mag")
            self.err = None if err is None else as_float(err, column="err")
        except ColumnError as exc:
            raise ValueError(f"LightCurveSequence: {exc}") from None
        self.band = None if band is None else decode_labels(band)
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

    @property
    def index(self):
        """The ids as a :class:`pandas.Index` named ``"id"``.

        scikit-learn's ``set_output(transform="pandas")`` takes the index of
        the input for the output, so the feature table of a sequence is
        indexed by its object ids.
        """
        import pandas as pd

        return pd.Index(self.ids, name="id")

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
        return self._subset(slice(a, b), self.offsets[lo : hi + 1] - a, self.ids[lo:hi])

    def _take(self, idx: np.ndarray) -> LightCurveSequence:
        idx = np.asarray(idx, dtype=np.intp)
        starts = self.offsets[:-1][idx]
        lengths = self.offsets[1:][idx] - starts
        new_offsets = np.zeros(idx.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=new_offsets[1:])
        return self._subset(_ranges(starts, lengths), new_offsets, self.ids[idx])

    def _subset(self, points, offsets, ids) -> LightCurveSequence:
        """The objects whose ``points`` (slice or index array) are given."""
        return LightCurveSequence(
            self.time[points],
            self.mag[points],
            None if self.err is None else self.err[points],
            None if self.band is None else self.band[points],
            offsets,
            ids,
        )


def from_long_table(
    table,
    *,
    id: str,
    time: str,
    mag: str,
    err: str | None = None,
    band: str | None = None,
    time_unit="d",
) -> LightCurveSequence:
    """Group a long table (one row per observation) into light curves.

    Parameters
    ----------
    table : pandas.DataFrame, astropy.table.Table or dict of arrays
        One row per observation, e.g. ZTF alert photometry.
    id : str
        Column with the object identifier. Objects keep the order of their
        first row.
    time : str
        Column with the times: numbers (days, or ``time_unit``), numpy
        ``datetime64`` or a pandas datetime column (converted to MJD; a
        time-zone-aware one through UTC), astropy ``Time`` (converted to MJD
        in the time scale it carries), or a ``Quantity`` / unit-carrying
        astropy column with a time unit (converted to days). Date strings are
        refused, never parsed.
    mag : str
        Column with the magnitude (or flux).
    err : str, default=None
        Column with the errors; ``None`` means unit errors.
    band : str, default=None
        Column with the band (strings such as ``"g"``, bytes as read from a
        FITS file, or integers such as ZTF's ``fid``); ``None`` means one band.
    time_unit : str or astropy.units.Unit, default="d"
        Unit of a time column of plain numbers, e.g. ``"s"``, ``"h"`` or
        ``"yr"``; ignored by times that carry their own unit or scale.

    Returns
    -------
    LightCurveSequence
        One entry per object, indexable by scikit-learn, with ``ids``.

    Raises
    ------
    ValueError
        When a named column is missing, a row has no id, a time, magnitude or
        error column cannot be read as numbers (the message names the column
        and its first bad value and row), or the time column has a unit that
        is not a time unit.

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

    Datetimes become MJD days:

    >>> table["date"] = pd.to_datetime(["2000-01-01T12:00"] * 4)
    >>> from_long_table(table, id="oid", time="date", mag="mag")[0]["time"].tolist()
    [51544.5, 51544.5, 51544.5]
    """
    cols = {"id": id, "time": time, "mag": mag, "err": err, "band": band}
    names = _names_of(table)
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
        try:
            if role == "time":
                raw = raw_column(table, col)
                values = as_days(raw, time_unit=time_unit, column=col)
            elif role in ("mag", "err"):
                values = as_float(column(table, col), column=col)
            else:
                values = column(table, col)
        except ColumnError as exc:
            raise ValueError(
                f"from_long_table: column {col!r} (given as {role}=) {exc.problem}; "
                f"expected {exc.expected}."
            ) from None
        data[role] = values
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

    def take(role):
        return None if data[role] is None else np.asarray(data[role])[order]

    return LightCurveSequence(
        take("time"),
        take("mag"),
        take("err"),
        take("band"),
        offsets,
        np.asarray(uniques),
    )


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


def _names_of(table) -> list:
    """Column names of a long table, or a TypeError naming its type."""
    try:
        return column_names(table)
    except TypeError as exc:
        raise TypeError(f"from_long_table: {exc}") from None


def _ranges(starts, lengths) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for each (s, n), vectorised."""
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    first_out = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    return (np.repeat(starts - first_out, lengths) + np.arange(total)).astype(np.intp)
