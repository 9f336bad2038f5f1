"""Small dense linear systems inside numba kernels (least-squares fits)."""

from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True, error_model="numpy")
def solve_small(a, rhs, rel_tol):
    """Solve ``a x = rhs`` in place: ``rhs`` becomes ``x`` (``a`` is overwritten).

    Gaussian elimination with partial pivoting. Returns False, leaving
    ``rhs`` undefined, when a pivot is not finite or not above
    ``rel_tol * |a[0, 0]|`` (a singular or ill-conditioned system).
    """
    n = rhs.shape[0]
    for col in range(n):
        piv = col
        best = abs(a[col, col])
        for r in range(col + 1, n):
            if abs(a[r, col]) > best:
                best = abs(a[r, col])
                piv = r
        if not np.isfinite(best) or not best > rel_tol * (abs(a[0, 0]) + 1e-300):
            return False
        if piv != col:
            for k in range(n):
                tmp = a[col, k]
                a[col, k] = a[piv, k]
                a[piv, k] = tmp
            tmp = rhs[col]
            rhs[col] = rhs[piv]
            rhs[piv] = tmp
        for r in range(col + 1, n):
            fct = a[r, col] / a[col, col]
            for k in range(col, n):
                a[r, k] -= fct * a[col, k]
            rhs[r] -= fct * rhs[col]
    for r in range(n - 1, -1, -1):
        acc = rhs[r]
        for k in range(r + 1, n):
            acc -= a[r, k] * rhs[k]
        rhs[r] = acc / a[r, r]
    return True
