"""One chunk of light curves as (object, band) segments, with shared sorts."""

from __future__ import annotations

import numpy as np

from ._segments import segment_sort


class SegmentBatch:
    """Flat time-sorted arrays split into segments (one per object and band).

    The magnitude-sorted copy is computed once and shared by every
    percentile-type feature (and the colours).
    """

    def __init__(self, t, m, err, offsets, *, n_objects: int, n_bands: int):
        self.t = t
        self.m = m
        self.err = err
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.n_objects = n_objects
        self.n_bands = n_bands
        self._sorted_m = None
        self._median = None

    @property
    def n_segments(self) -> int:
        return self.offsets.shape[0] - 1

    def objects(self, lo: int, hi: int) -> SegmentBatch:
        """The objects ``lo .. hi - 1`` (views of the arrays)."""
        nb = self.n_bands
        seg = self.offsets[lo * nb : hi * nb + 1]
        a, b = seg[0], seg[-1]
        return SegmentBatch(
            self.t[a:b],
            self.m[a:b],
            self.err[a:b],
            seg - a,
            n_objects=hi - lo,
            n_bands=nb,
        )

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    @property
    def sorted_m(self) -> np.ndarray:
        if self._sorted_m is None:
            self._sorted_m = segment_sort(self.m, self.offsets)
        return self._sorted_m

    @property
    def median(self) -> np.ndarray:
        if self._median is None:
            n = self.lengths
            lo = self.offsets[:-1] + np.maximum(n - 1, 0) // 2
            hi = self.offsets[:-1] + n // 2
            ms = self.sorted_m
            med = np.full(n.shape[0], np.nan)
            ok = n > 0
            med[ok] = 0.5 * (ms[lo[ok]] + ms[hi[ok]])
            self._median = med
        return self._median
