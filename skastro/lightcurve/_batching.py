"""How LightCurveFeatures cuts a batch into chunks, and what it reports."""

from __future__ import annotations

import warnings

import numpy as np

from ._sequence import LightCurveSequence

#: points per chunk when ``chunk_size=None``: bounds transform's memory
POINTS_PER_CHUNK = 1 << 20


def chunk_bounds(X, regular: bool, n: int, chunk_size: int | None) -> list:
    """``(lo, hi)`` object ranges of about :data:`POINTS_PER_CHUNK` points."""
    if chunk_size is not None:
        return [(lo, min(lo + chunk_size, n)) for lo in range(0, n, chunk_size)]
    if regular:
        step = max(1, POINTS_PER_CHUNK // max(1, X.shape[1]))
        return [(lo, min(lo + step, n)) for lo in range(0, n, step)]
    if isinstance(X, LightCurveSequence):
        cum = X.offsets
        cuts = [0]
        while cuts[-1] < n:
            lo = cuts[-1]
            hi = int(np.searchsorted(cum, cum[lo] + POINTS_PER_CHUNK, "right")) - 1
            cuts.append(min(n, max(hi, lo + 1)))
        return list(zip(cuts[:-1], cuts[1:]))
    step = 4096
    return [(lo, min(lo + step, n)) for lo in range(0, n, step)]


def warn_dropped_and_rejected(results, bounds, fill_value) -> None:
    """One warning counting dropped points, one naming rejected objects."""
    n_drop = sum(r[0].n_dropped for r in results)
    if n_drop:
        n_obj = sum(r[0].n_dropped_objects for r in results)
        warnings.warn(
            f"LightCurveFeatures: dropped {n_drop} non-finite point(s) (NaN or "
            f"inf time, magnitude or error) from {n_obj} light curve(s).",
            UserWarning,
            stacklevel=3,
        )
    bad = {}
    for (packed, _), (start, _) in zip(results, bounds):
        for i, reason in packed.bad.items():
            bad[start + i] = (packed.ids[i], reason)
    if bad:
        shown = "; ".join(
            f"{i} (id {ident!r}): {reason}" if ident != i else f"{i}: {reason}"
            for i, (ident, reason) in list(bad.items())[:5]
        )
        more = f"; and {len(bad) - 5} more" if len(bad) > 5 else ""
        warnings.warn(
            f"LightCurveFeatures: {len(bad)} light curve(s) rejected and given "
            f"fill_value={fill_value!r} (errors='warn'): {shown}{more}.",
            UserWarning,
            stacklevel=3,
        )
