"""The bound on each object's frequency grid: no input makes a call unbounded.

An object's grid has about ``oversampling * T * (1 / min_period - 1 /
max_period)`` frequencies for a time span ``T``. Times in the wrong unit
(seconds or nanoseconds read as days) or a wild point make ``T`` huge and
the periodogram would run for hours; such an object is refused (or, under
``errors="warn"``, rejected with ``fill_value``) before any kernel runs.
"""

from __future__ import annotations

import numpy as np

from ._objects import BadLightCurve


def grid_sizes(packed, *, min_period, max_period, oversampling):
    """Frequencies of every object's grid (0 when empty), and the time spans."""
    n = packed.n_objects
    lengths = np.diff(packed.offsets)
    spans = np.zeros(n)
    full = np.flatnonzero(lengths > 0)
    if full.size:
        starts = packed.offsets[full]
        spans[full] = np.maximum.reduceat(packed.t, starts)[: full.size]
        spans[full] -= np.minimum.reduceat(packed.t, starts)[: full.size]
    top = 1.0 / min_period - (0.0 if max_period is None else 1.0 / max_period)
    return np.floor(oversampling * spans * top), spans


def cap_grids(packed, *, max_frequencies, errors, start=0, **grid):
    """Refuse (or reject under ``errors="warn"``) objects over the bound.

    ``start`` is the position of the chunk's first object in the batch.
    Returns ``packed``, with the points of rejected objects removed and their
    reason in ``packed.bad``.
    """
    sizes, spans = grid_sizes(packed, **grid)
    over = np.flatnonzero(sizes > max_frequencies)
    if over.size == 0:
        return packed
    reasons = {
        int(i): (
            f"spans {spans[i]:.6g} time units, so its periodogram grid would hold "
            f"{sizes[i]:.3g} frequencies > max_frequencies={max_frequencies}; "
            "expected times in days (set time_unit= for seconds or hours, "
            "convert datetimes), or raise min_period or max_frequencies"
        )
        for i in over
    }
    if errors == "raise":
        first = int(over[0])
        raise BadLightCurve(reasons[first], [start + first], [packed.ids[first]])
    keep = np.ones(packed.t.shape[0], dtype=bool)
    lengths = np.diff(packed.offsets)
    for i in over:
        keep[packed.offsets[i] : packed.offsets[i + 1]] = False
        lengths[i] = 0
    offsets = np.zeros_like(packed.offsets)
    np.cumsum(lengths, out=offsets[1:])
    packed.t, packed.m = packed.t[keep], packed.m[keep]
    packed.err, packed.band = packed.err[keep], packed.band[keep]
    packed.offsets = offsets
    packed.bad.update(reasons)
    return packed
