"""Kernel of the multi-band Bazin and Villar fits: time parameters shared.

Every band ``b`` of an object follows ``f_b(t) = A_b s(t) + B_b`` with one
shape ``s(t)`` shared by all bands: Bazin's ``exp(-(t - t0) / tau_fall) /
(1 + exp(-(t - t0) / tau_rise))`` or Villar's (with the plateau ``nu``,
``gamma``). One compiled call fits every object by the Levenberg-Marquardt
loop of the per-band fits (``transient._fit``, model codes 2 and 3) on the
shared internal parameters (``t0, ln tau_rise, ln tau_fall`` and, for
Villar, ``logit nu, ln gamma``) followed by ``A_0, B_0, A_1, B_1, ...``.
The starts: the per-band fit of each band, and the shape read off the
densest band's curve (the per-band fits' first start); from each, every
band's ``A_b, B_b`` is the weighted linear least-squares solution for the
start's shape, and the ``N_FITTED_STARTS`` of lowest chi-square are fitted,
the best chi-square kept. A
Villar fit whose kink is weak and resolved is refitted with the kink moved
across samples (``transient._hop``), as per band. Bands
with fewer than 2 points are left out (their values are NaN); an object
with fewer points (in the bands fitted) than parameters + 1 is left NaN.
Uncertainties are the square roots of the diagonal of ``(J^T W J)^-1`` at
the optimum, mapped to the natural parameters by the delta method.
"""

from __future__ import annotations

import numba
import numpy as np

from .transient import (
    _JIT,
    _LAM_FIRST,
    _bazin_shape_nat,
    _chi2,
    _clip,
    _fit,
    _hop,
    _init,
    _natural_shape,
    _sigmoid,
    _villar_shape_nat,
    _weak_kink,
)

# fewest points of a band for it to enter the fit (A_b and B_b)
MIN_BAND_POINTS = 2
# starts fitted by Levenberg-Marquardt, the lowest chi-squares at the start
N_FITTED_STARTS = 2
# shared parameters of each per-band model code (0 Bazin, 1 Villar)
N_SHARED = {0: 3, 1: 5}


@numba.njit(**_JIT)
def _shape(ns, t, p, nat, row):
    """Unit-amplitude shape at ``t``; ``nat``: :func:`_natural_shape` of ``p``."""
    if ns == 3:
        return _bazin_shape_nat(t, 1.0, p[0], nat[0], nat[1], row, 0)
    return _villar_shape_nat(t, 1.0, p[0], nat[0], nat[1], nat[2], nat[3], row, 0)


@numba.njit(**_JIT)
def _linear(ns, t, f, w, band, p, n_used):
    """Each band's ``A_b, B_b`` by weighted least squares for the shape ``p[:ns]``."""
    s = np.zeros((n_used, 5))  # sums of w s^2, w s, w, w s f, w f
    row = np.empty(5)
    nat = np.empty(4)
    _natural_shape(2 if ns == 3 else 3, p, nat)
    for i in range(t.shape[0]):
        sh = _shape(ns, t[i], p, nat, row)
        j = band[i]
        s[j, 0] += w[i] * sh * sh
        s[j, 1] += w[i] * sh
        s[j, 2] += w[i]
        s[j, 3] += w[i] * sh * f[i]
        s[j, 4] += w[i] * f[i]
    for j in range(n_used):
        det = s[j, 0] * s[j, 2] - s[j, 1] * s[j, 1]
        if det > 1e-12 * s[j, 0] * s[j, 2]:
            p[ns + 2 * j] = (s[j, 3] * s[j, 2] - s[j, 1] * s[j, 4]) / det
            p[ns + 1 + 2 * j] = (s[j, 0] * s[j, 4] - s[j, 1] * s[j, 3]) / det
        else:  # the shape is flat over the band: its mean, no amplitude
            p[ns + 2 * j] = 0.0
            p[ns + 1 + 2 * j] = s[j, 4] / s[j, 2]


@numba.njit(**_JIT)
def _to_internal(ns, natural, q):
    """Internal shared parameters from natural ones; False where invalid."""
    for u in range(ns):
        if not np.isfinite(natural[u]):
            return False
    if not (natural[1] > 0 and natural[2] > 0):
        return False
    q[0], q[1], q[2] = natural[0], np.log(natural[1]), np.log(natural[2])
    if ns == 5:
        nu = min(max(natural[3], 1e-9), 1.0 - 1e-9)
        if not natural[4] > 0:
            return False
        q[3], q[4] = np.log(nu / (1.0 - nu)), np.log(natural[4])
    return True


@numba.njit(**_JIT)
def _natural(ns, k, p, cov, out, col, n_bands):
    """Natural values and delta-method errors into ``out``: shared values,
    their errors, then (after the reduced chi-square, filled by the caller)
    every band's ``A``, every band's ``A_err``, ``B``, ``B_err``."""
    for u in range(ns):
        val = p[u]
        sd = np.sqrt(cov[u, u]) if cov[u, u] >= 0 else np.nan
        if u == 1 or u == 2 or u == 4:
            val = np.exp(p[u])
            sd = val * sd
        elif u == 3:
            val = _sigmoid(p[u])
            sd = val * (1.0 - val) * sd
        out[u] = val
        out[ns + u] = sd
    for j in range(n_bands):
        c = col[j]
        if c < 0:
            continue
        for v in range(2):  # amplitude, baseline
            u = ns + 2 * c + v
            at = 2 * ns + 1 + 2 * v * n_bands + j
            out[at] = p[u]
            out[at + n_bands] = np.sqrt(cov[u, u]) if cov[u, u] >= 0 else np.nan


@numba.njit(**_JIT)
def _kernel(model, t, f, err, offsets, n_bands, start, max_iter, out):
    ns = 3 if model == 0 else 5
    n_obj = (offsets.shape[0] - 1) // n_bands
    kmax = ns + 2 * n_bands
    col = np.empty(n_bands, np.int64)
    order = np.empty(n_bands, np.int64)
    counts = np.empty(n_bands, np.int64)
    p = np.empty(kmax)
    starts = np.empty((n_bands + 1, kmax))
    row = np.empty(kmax)
    lo = np.empty(kmax)
    hi = np.empty(kmax)
    cov = np.empty((kmax, kmax))
    qcov = np.empty((kmax, kmax))
    q0 = np.empty(ns + 2)
    lo0 = np.empty(ns + 2)
    hi0 = np.empty(ns + 2)
    for o in range(n_obj):
        first = o * n_bands
        n_used, n = 0, 0
        for j in range(n_bands):
            m = offsets[first + j + 1] - offsets[first + j]
            counts[j] = m
            col[j] = -1
            if m >= MIN_BAND_POINTS:
                col[j] = n_used
                n_used += 1
                n += m
        k = ns + 2 * n_used
        if n_used == 0 or n < k + 1:
            continue
        order[:] = np.argsort(-counts, kind="mergesort")  # densest band first
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
        by_time = np.argsort(ts, kind="mergesort")  # the kink moves need it
        ts, fs, ws, bs = ts[by_time], fs[by_time], ws[by_time], bs[by_time]
        t_min, t_max = ts.min(), ts.max()
        dur = max(t_max - t_min, 1e-6)
        step = dur / (n - 1)
        lo[:k] = -np.inf
        hi[:k] = np.inf
        lo[0], hi[0] = t_min - dur, t_max + dur
        for u in (1, 2):
            lo[u], hi[u] = np.log(1e-3 * step), np.log(100.0 * dur)
        if ns == 5:
            lo[3], hi[3] = -30.0, 30.0
            lo[4], hi[4] = np.log(1e-3 * step), np.log(10.0 * dur)
        dense = order[0]
        a, b = offsets[first + dense], offsets[first + dense + 1]
        # every start, its A_b, B_b solved and its chi-square screened
        screened = np.full(n_bands + 1, np.inf)
        for attempt in range(n_bands + 1):
            q = starts[attempt]
            if attempt < n_bands:
                j = order[attempt]
                if col[j] < 0 or not _to_internal(ns, start[first + j], q):
                    continue
            else:
                _init(model, 0, t[a:b], f[a:b], q0, lo0, hi0)
                q[:ns] = q0[2:]
            _clip(q[:ns], lo[:ns], hi[:ns])
            _linear(ns, ts, fs, ws, bs, q, n_used)
            screened[attempt] = _chi2(model + 2, ts, fs, ws, bs, q[:k], row[:k])
        chi2 = np.inf
        ranked = np.argsort(screened, kind="mergesort")
        for attempt in ranked[:N_FITTED_STARTS]:
            if not np.isfinite(screened[attempt]):
                break
            q = starts[attempt]
            c = _fit(
                model + 2,
                ts,
                fs,
                ws,
                bs,
                q[:k],
                lo[:k],
                hi[:k],
                qcov[:k, :k],
                max_iter,
                _LAM_FIRST,
            )
            if c < chi2:
                chi2 = c
                p[:k] = q[:k]
                cov[:k, :k] = qcov[:k, :k]
        if not np.isfinite(chi2):
            continue
        if ns == 5 and _weak_kink(p[:k], cov[:k, :k], ts, 0):
            chi2 = _hop(
                3,
                0,
                ts,
                fs,
                ws,
                bs,
                p[:k],
                lo[:k],
                hi[:k],
                cov[:k, :k],
                chi2,
                max_iter,
                starts[0, :k],
                qcov[:k, :k],
            )
        _natural(ns, k, p, cov, out[o], col, n_bands)
        out[o, 2 * ns] = chi2 / (n - k)


def fit(batch, model: str, start: np.ndarray, max_iter: int) -> np.ndarray:
    """Multi-band ``model`` (``"bazin"`` or ``"villar"``) fit of every object.

    ``start`` is ``(n_segments, n_shared)``: each band's per-band natural
    shared parameters (``t0, tau_rise, tau_fall`` and for Villar ``nu,
    gamma``; NaN where it has none). Returns ``(n_objects, 2 n_shared + 1 +
    4 n_bands)``: the shared parameters, their errors, the reduced
    chi-square, then every band's ``A``, every band's ``A_err``, ``B`` and
    ``B_err``.
    """
    code = 0 if model == "bazin" else 1
    ns = N_SHARED[code]
    out = np.full((batch.n_objects, 2 * ns + 1 + 4 * batch.n_bands), np.nan)
    _kernel(
        code,
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
