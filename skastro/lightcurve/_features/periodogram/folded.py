"""Features of the light curve folded at its best period: psi and Fourier terms.

``psi_cs`` and ``psi_eta`` are the cusum and von Neumann eta of the curve
folded at twice ``period_0`` (as FATS); the Fourier terms come from a
weighted least-squares fit of 4 harmonics at ``period_0``.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from ..families.folded import FAMILY
from ..kernels.linalg import solve_small

# column j of the kernel's output is FAMILY.features[j]
NAMES = tuple(spec.name for spec in FAMILY.features)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _folded_kernel(t, m, err, seg, period, min_points, min_points_fit, out):
    two_pi = 2.0 * math.pi
    for sgm in range(seg.shape[0] - 1):
        a, b = seg[sgm], seg[sgm + 1]
        n = b - a
        p = period[sgm]
        if n < min_points or not p > 0:
            continue
        t0 = t[a]
        ref = m[a]
        mean = 0.0
        for i in range(a, b):
            mean += m[i] - ref
        mean /= n
        var = 0.0
        for i in range(a, b):
            var += ((m[i] - ref) - mean) ** 2
        var /= n - 1
        # fold at twice the period (as FATS) and sort by phase
        phase = np.empty(n)
        for i in range(a, b):
            x = (t[i] - t0) / (2.0 * p)
            phase[i - a] = x - math.floor(x)
        order = np.argsort(phase, kind="mergesort")
        if var > 0:
            std = math.sqrt(var)
            cs = 0.0
            cmax = -np.inf
            cmin = np.inf
            eta = 0.0
            prev = 0.0
            for j in range(n):
                mj = m[a + order[j]] - ref
                cs += (mj - mean) / (n * std)
                cmax = max(cmax, cs)
                cmin = min(cmin, cs)
                if j > 0:
                    eta += (mj - prev) ** 2
                prev = mj
            out[sgm, 0] = cmax - cmin
            out[sgm, 1] = eta / ((n - 1) * var)
        if n < min_points_fit:
            continue
        # weighted least squares: m = c + sum_k a_k sin(k x) + b_k cos(k x)
        ata = np.zeros((9, 9))
        atb = np.zeros(9)
        row = np.empty(9)
        for i in range(a, b):
            x = two_pi * (t[i] - t0) / p
            wi = 1.0 / (err[i] * err[i])
            row[0] = 1.0
            for k in range(4):
                row[1 + 2 * k] = math.sin((k + 1) * x)
                row[2 + 2 * k] = math.cos((k + 1) * x)
            for r in range(9):
                atb[r] += wi * row[r] * ((m[i] - ref) - mean)
                for q in range(r, 9):
                    ata[r, q] += wi * row[r] * row[q]
        for r in range(9):
            for q in range(r):
                ata[r, q] = ata[q, r]
        if not solve_small(ata, atb, 1e-12):
            continue
        coef = atb
        amp = np.empty(4)
        phi = np.empty(4)
        for k in range(4):
            sa = coef[1 + 2 * k]
            cb = coef[2 + 2 * k]
            amp[k] = math.sqrt(sa * sa + cb * cb)
            phi[k] = math.atan2(cb, sa)
            out[sgm, 2 + k] = amp[k]
        if amp[0] > 0:
            out[sgm, 6] = amp[1] / amp[0]
            out[sgm, 7] = amp[2] / amp[0]
            out[sgm, 8] = (phi[1] - 2.0 * phi[0]) % two_pi
            out[sgm, 9] = (phi[2] - 3.0 * phi[0]) % two_pi


def folded_features(batch, period, *, min_points, min_points_fit):
    """Columns of every segment folded at ``period`` (one per segment).

    ``min_points``: fewest points for the folded psi features;
    ``min_points_fit``: for the 4-harmonic fit (9 unknowns).
    """
    out = np.full((batch.n_segments, len(NAMES)), np.nan)
    _folded_kernel(
        batch.t,
        batch.m,
        batch.err,
        batch.offsets,
        np.ascontiguousarray(period, dtype=float),
        min_points,
        min_points_fit,
        out,
    )
    return dict(zip(NAMES, out.T))
