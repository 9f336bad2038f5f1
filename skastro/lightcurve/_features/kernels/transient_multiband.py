"""Kernel of the multi-band Bazin fit: time parameters shared by the bands.

Every band ``b`` of an object follows ``f_b(t) = A_b s(t) + B_b`` with one
shape ``s(t) = exp(-(t - t0) / tau_fall) / (1 + exp(-(t - t0) / tau_rise))``
shared by all bands. One compiled call fits every object by the
Levenberg-Marquardt loop of the per-band fits (``transient._fit``, model
code 2) on ``(t0, ln tau_rise, ln tau_fall, A_0, B_0, A_1, B_1, ...)``.
Two starts are tried, the better chi-square kept: the per-band Bazin fit of
the object's densest band, and the shape read off that band's curve (the
per-band fits' first start); from each, every band's ``A_b, B_b`` is the
weighted linear least-squares solution for the start's shape. Bands with
fewer than 2 points are left out (their amplitude is NaN); an object with
fewer points (in the bands fitted) than parameters + 1 is left NaN.
"""

from __future__ import annotations

import numba
import numpy as np

from .transient import _JIT, _LAM_FIRST, _bazin_shape, _clip, _fit, _init

# fewest points of a band for it to enter the fit (A_b and B_b)
MIN_BAND_POINTS = 2


@numba.njit(**_JIT)
def _linear(t, f, w, band, p, n_used):
    """Each band's ``A_b, B_b`` by weighted least squares for the shape ``p[:3]``."""
    s = np.zeros((n_used, 5))  # sums of w s^2, w s, w, w s f, w f
    row = np.empty(3)
    for i in range(t.shape[0]):
        sh = _bazin_shape(t[i], 1.0, p[0], p[1], p[2], row, 0)
        j = band[i]
        s[j, 0] += w[i] * sh * sh
        s[j, 1] += w[i] * sh
        s[j, 2] += w[i]
        s[j, 3] += w[i] * sh * f[i]
        s[j, 4] += w[i] * f[i]
    for j in range(n_used):
        det = s[j, 0] * s[j, 2] - s[j, 1] * s[j, 1]
        if det > 1e-12 * s[j, 0] * s[j, 2]:
            p[3 + 2 * j] = (s[j, 3] * s[j, 2] - s[j, 1] * s[j, 4]) / det
            p[4 + 2 * j] = (s[j, 0] * s[j, 4] - s[j, 1] * s[j, 3]) / det
        else:  # the shape is flat over the band: its mean, no amplitude
            p[3 + 2 * j] = 0.0
            p[4 + 2 * j] = s[j, 4] / s[j, 2]


@numba.njit(**_JIT)
def _kernel(t, f, err, offsets, n_bands, start, max_iter, out):
    n_obj = (offsets.shape[0] - 1) // n_bands
    kmax = 3 + 2 * n_bands
    col = np.empty(n_bands, np.int64)
    p = np.empty(kmax)
    q = np.empty(kmax)
    lo = np.empty(kmax)
    hi = np.empty(kmax)
    cov = np.empty((kmax, kmax))
    q0 = np.empty(5)
    lo0 = np.empty(5)
    hi0 = np.empty(5)
    for o in range(n_obj):
        first = o * n_bands
        n_used, n, dense, most = 0, 0, -1, 0
        for j in range(n_bands):
            m = offsets[first + j + 1] - offsets[first + j]
            col[j] = -1
            if m >= MIN_BAND_POINTS:
                col[j] = n_used
                n_used += 1
                n += m
                if m > most:
                    most, dense = m, j
        k = 3 + 2 * n_used
        if n_used == 0 or n < k + 1:
            continue
        ts, fs, ws = np.empty(n), np.empty(n), np.empty(n)
        bs = np.empty(n, np.int64)
        i = 0
        for j in range(n_bands):
            if col[j] < 0:
                continue
            for u in range(offsets[first + j], offsets[first + j + 1]):
                ts[i], fs[i], bs[i] = t[u], f[u], col[j]
                ws[i] = 1.0 / (err[u] * err[u])
                i += 1
        t_min, t_max = ts.min(), ts.max()
        dur = max(t_max - t_min, 1e-6)
        step = dur / (n - 1)
        lo[:k] = -np.inf
        hi[:k] = np.inf
        lo[0], hi[0] = t_min - dur, t_max + dur
        for u in (1, 2):
            lo[u], hi[u] = np.log(1e-3 * step), np.log(100.0 * dur)
        a, b = offsets[first + dense], offsets[first + dense + 1]
        chi2 = np.inf
        for attempt in range(2):
            if attempt == 0:
                s0, tr, tf = start[first + dense]
                if not (np.isfinite(s0) and tr > 0 and tf > 0):
                    continue
                q[0], q[1], q[2] = s0, np.log(tr), np.log(tf)
            else:
                _init(0, 0, t[a:b], f[a:b], q0, lo0, hi0)
                q[0], q[1], q[2] = q0[2], q0[3], q0[4]
            _clip(q[:3], lo[:3], hi[:3])
            _linear(ts, fs, ws, bs, q, n_used)
            c = _fit(
                2,
                ts,
                fs,
                ws,
                bs,
                q[:k],
                lo[:k],
                hi[:k],
                cov[:k, :k],
                max_iter,
                _LAM_FIRST,
            )
            if c < chi2:
                chi2 = c
                p[:k] = q[:k]
        if not np.isfinite(chi2):
            continue
        out[o, 0] = p[0]
        out[o, 1] = np.exp(p[1])
        out[o, 2] = np.exp(p[2])
        out[o, 3] = chi2 / (n - k)
        for j in range(n_bands):
            if col[j] >= 0:
                out[o, 4 + j] = p[3 + 2 * col[j]]


def fit(batch, start: np.ndarray, max_iter: int) -> np.ndarray:
    """Multi-band Bazin fit of every object of ``batch``.

    ``start`` is ``(n_segments, 3)``: each band's per-band ``t0, tau_rise,
    tau_fall`` (NaN where it has none). Returns ``(n_objects, 4 + n_bands)``:
    ``t0, tau_rise, tau_fall, reduced chi-square`` and each band's amplitude.
    """
    out = np.full((batch.n_objects, 4 + batch.n_bands), np.nan)
    _kernel(
        batch.t,
        batch.m,
        batch.err,
        batch.offsets,
        int(batch.n_bands),
        np.ascontiguousarray(start, dtype=float),
        int(max_iter),
        out,
    )
    return out
