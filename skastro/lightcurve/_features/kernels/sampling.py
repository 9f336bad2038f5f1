"""Kernel of the sampling features: n_obs, duration, gaps, time mean and spread."""

from __future__ import annotations

import numba
import numpy as np

from ..families.sampling import FAMILY

# column j of the kernel's output is FAMILY.features[j]
NAMES = tuple(spec.name for spec in FAMILY.features)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel(t, offsets, out):
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        n = b - a
        out[s, 0] = n
        if n == 0:
            continue
        out[s, 1] = t[b - 1] - t[a]
        t0 = t[a]
        acc = 0.0
        for i in range(a, b):
            acc += t[i] - t0
        mean_rel = acc / n
        out[s, 4] = t0 + mean_rel
        if n < 2:
            continue
        gmax = 0.0
        gmin = np.inf
        var = 0.0
        for i in range(a, b):
            d = t[i] - t0 - mean_rel
            var += d * d
            if i > a:
                g = t[i] - t[i - 1]
                gmax = max(gmax, g)
                gmin = min(gmin, g)
        out[s, 2] = gmax
        out[s, 3] = gmin
        out[s, 5] = np.sqrt(var / (n - 1))


def compute(batch) -> dict[str, np.ndarray]:
    out = np.full((batch.n_segments, len(NAMES)), np.nan)
    _kernel(batch.t, batch.offsets, out)
    return dict(zip(NAMES, out.T))
