"""Kernel of the transient fits: Bazin and Villar models by Levenberg-Marquardt.

One compiled call fits every (object, band) segment of the batch. Each
segment is fitted in flux by weighted least squares (weights
:math:`1/\\delta_i^2`) with a Levenberg-Marquardt loop on internal
parameters: the time scales (and Villar's plateau duration) are fitted as
logarithms, Villar's relative plateau amplitude :math:`\\nu` through a
logistic, so every internal value maps to a valid model. Starts after the
first are damped strongly; a Villar fit whose kink is weak and resolved is
refitted with the kink moved across samples (``_hop``). The iteration
count is capped; a segment with fewer points than parameters + 1 is left
NaN (the registry's ``min_points`` masks it too).
"""

from __future__ import annotations

import numba
import numpy as np

from ..families.transient import BAZIN_NAMES, VILLAR_NAMES
from .linalg import solve_small

_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
_MAX_EXP = 700.0
# the starts tried per segment (the best chi-square is kept)
_RISE_SCALE = np.array([1.0, 0.3, 2.0, 1.0, 0.3, 1.0, 2.0, 0.5])
_FALL_SCALE = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 0.5, 1.0, 2.0])
_NU_START = np.array([0.1, 0.1, 0.3, 0.5, 0.3, 0.1, 0.5, 0.3])
_PLATEAU_SCALE = np.array([1.0, 0.25, 2.5, 1.0, 0.1, 4.0, 0.3, 1.0])
N_STARTS = {"bazin": 3, "villar": 8}
# a start whose reduced chi-square is below this ends the search
_GOOD_CHI2 = 1.5
# relative chi-square decrease that ends the iterations
_TOL = 1e-8
# chi-square decrease that ends them (a statistically void change)
_ATOL = 1e-4
# most moves of Villar's plateau end, each way
_MAX_HOPS = 8
# iterations of the refit after a move (the kept one is then refitted in full)
_HOP_ITER = 15
# Villar fits whose plateau and decline slopes at the kink differ by less
# than this fraction are the ones whose kink is moved across samples
_WEAK_KINK = 0.25
_LAM_FIRST = 1e-3
_LAM_SAFE = 1.0


@numba.njit(**_JIT)
def _sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(x)
    return e / (1.0 + e)


@numba.njit(**_JIT)
def _softplus(x):
    # log(1 + exp(x)) without overflow
    if x > 0:
        return x + np.log1p(np.exp(-x))
    return np.log1p(np.exp(x))


@numba.njit(**_JIT)
def _bazin_shape_nat(t, a, t0, tr, tf, row, at):
    """Bazin shape ``s`` (flux ``B + A s``) at ``t`` for the time scales
    ``tr``, ``tf``; its gradient on ``(t0, ln tr, ln tf)`` times ``a`` goes to
    ``row[at:at + 3]``. One exponential a point: the softplus and the
    logistic of ``-dt / tr`` share ``exp(-|dt / tr|)`` (the same arithmetic
    as :func:`_softplus` and :func:`_sigmoid`)."""
    dt = t - t0
    x = -dt / tr
    e = np.exp(-abs(x))
    softplus = (x if x > 0 else 0.0) + np.log1p(e)
    one_r = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)  # 1 - r
    # s = exp(-dt / tf) / (1 + exp(-dt / tr)), in logs
    sr = np.exp(min(-dt / tf - softplus, _MAX_EXP))
    row[at] = a * sr * (1.0 / tf - one_r / tr)
    row[at + 1] = -a * sr * one_r * dt / tr
    row[at + 2] = a * sr * dt / tf
    return sr


@numba.njit(**_JIT)
def _bazin_shape(t, a, t0, ln_tr, ln_tf, row, at):
    """:func:`_bazin_shape_nat` with the time scales as logarithms."""
    return _bazin_shape_nat(t, a, t0, np.exp(ln_tr), np.exp(ln_tf), row, at)


@numba.njit(**_JIT)
def _villar_shape_nat(t, a, t0, tr, tf, nu, gam, row, at):
    """Villar shape ``s`` (flux ``B + A s``) at ``t`` for the natural
    parameters; its gradient on ``(t0, ln tr, ln tf, logit nu, ln g)`` times
    ``a`` goes to ``row[at:at + 5]``. The logistic of ``dt / tr`` and its
    complement share ``exp(-|dt / tr|)`` (the arithmetic of
    :func:`_sigmoid`)."""
    dt = t - t0
    x = dt / tr
    e = np.exp(-abs(x))
    r = 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)
    one_r = 1.0 / (1.0 + e) if -x >= 0 else e / (1.0 + e)
    if dt < gam:
        g = 1.0 - nu * dt / gam
        dg_t0 = nu / gam
        dg_tf = 0.0
        dg_u = -dt / gam * nu * (1.0 - nu)
        dg_lg = nu * dt / gam
    else:
        g = (1.0 - nu) * np.exp(-(dt - gam) / tf)
        dg_t0 = g / tf
        dg_tf = g * (dt - gam) / tf
        dg_u = -g * nu
        dg_lg = g * gam / tf
    row[at] = a * (-r * one_r / tr * g + r * dg_t0)
    row[at + 1] = -a * g * r * one_r * dt / tr
    row[at + 2] = a * r * dg_tf
    row[at + 3] = a * r * dg_u
    row[at + 4] = a * r * dg_lg
    return r * g


@numba.njit(**_JIT)
def _villar_shape(t, a, t0, ln_tr, ln_tf, u, lg, row, at):
    """:func:`_villar_shape_nat` with the internal parameters (log time
    scales, ``logit nu``, ``ln gamma``)."""
    return _villar_shape_nat(
        t, a, t0, np.exp(ln_tr), np.exp(ln_tf), _sigmoid(u), np.exp(lg), row, at
    )


@numba.njit(**_JIT)
def _natural_shape(model, p, nat):
    """The shape's natural parameters (time scales, ``nu``, ``gamma``) from
    the internal ones ``p``, computed once a pass instead of once a point."""
    at = 2 if model < 2 else 0
    nat[0] = np.exp(p[at + 1])
    nat[1] = np.exp(p[at + 2])
    if model == 1 or model == 3:
        nat[2] = _sigmoid(p[at + 3])
        nat[3] = np.exp(p[at + 4])


@numba.njit(**_JIT)
def _model_row(model, t, band, p, nat, row):
    """Flux at ``t`` and its gradient on ``p``: Bazin (``model`` 0, ``p = (A,
    B, t0, ln tr, ln tf)``), Villar (1, ``(A, B, t0, ln tr, ln tf, logit nu,
    ln g)``), and their multi-band forms (2, 3: the shared shape parameters
    first, then ``A_0, B_0, A_1, B_1, ...``; ``band`` is the point's band
    column). ``nat``: :func:`_natural_shape` of ``p``."""
    if model == 0 or model == 1:
        if model == 0:
            s = _bazin_shape_nat(t, p[0], p[2], nat[0], nat[1], row, 2)
        else:
            s = _villar_shape_nat(t, p[0], p[2], nat[0], nat[1], nat[2], nat[3], row, 2)
        row[0] = s
        row[1] = 1.0
        return p[1] + p[0] * s
    ns = 3 if model == 2 else 5
    row[ns:] = 0.0
    a = p[ns + 2 * band]
    if model == 2:
        s = _bazin_shape_nat(t, a, p[0], nat[0], nat[1], row, 0)
    else:
        s = _villar_shape_nat(t, a, p[0], nat[0], nat[1], nat[2], nat[3], row, 0)
    row[ns + 2 * band] = s
    row[ns + 1 + 2 * band] = 1.0
    return p[ns + 1 + 2 * band] + a * s


@numba.njit(**_JIT)
def _normal(model, t, f, w, band, p, jtj, grad, row):
    """Weighted chi2 at ``p``; fills ``J^T W J`` and ``J^T W r``."""
    k = p.shape[0]
    nat = np.empty(4)
    _natural_shape(model, p, nat)
    jtj[:, :] = 0.0
    grad[:] = 0.0
    chi2 = 0.0
    for i in range(t.shape[0]):
        res = f[i] - _model_row(model, t[i], band[i], p, nat, row)
        chi2 += w[i] * res * res
        for u in range(k):
            wu = w[i] * row[u]
            grad[u] += wu * res
            for v in range(u + 1):
                jtj[u, v] += wu * row[v]
    for u in range(k):
        for v in range(u):
            jtj[v, u] = jtj[u, v]
    return chi2


@numba.njit(**_JIT)
def _chi2(model, t, f, w, band, p, row):
    nat = np.empty(4)
    _natural_shape(model, p, nat)
    chi2 = 0.0
    for i in range(t.shape[0]):
        res = f[i] - _model_row(model, t[i], band[i], p, nat, row)
        chi2 += w[i] * res * res
    return chi2


@numba.njit(**_JIT)
def _clip(p, lo, hi):
    for u in range(p.shape[0]):
        p[u] = min(max(p[u], lo[u]), hi[u])


@numba.njit(**_JIT)
def _init(model, start, t, f, p, lo, hi):
    """Start ``start`` from the light curve's shape, and the parameter bounds.

    Start 0 reads the time scales off the half-widths; the others scale
    them (and Villar's plateau) to leave the local minima the first may
    fall in.
    """
    n = t.shape[0]
    dur = max(t[n - 1] - t[0], 1e-6)
    fs = np.sort(f)
    nb = max(1, n // 5)
    base = fs[:nb].mean()
    ipk = np.argmax(f)
    amp = max(f[ipk] - base, 1e-12 * (abs(base) + 1.0))
    half = base + 0.5 * amp
    # rise and decline half-widths around the brightest point
    t_up = t[ipk]
    for i in range(ipk, -1, -1):
        if f[i] < half:
            break
        t_up = t[i]
    t_dn = t[ipk]
    for i in range(ipk, n):
        if f[i] < half:
            break
        t_dn = t[i]
    step = dur / max(n - 1, 1)
    tr = max(0.5 * (t[ipk] - t_up), 0.5 * step) * _RISE_SCALE[start]
    tf = max((t_dn - t[ipk]) / np.log(2.0), step) * _FALL_SCALE[start]
    p[1] = base
    p[2] = t[ipk] - tr
    p[3] = np.log(tr)
    p[4] = np.log(tf)
    lo[:] = -np.inf
    hi[:] = np.inf
    lo[2] = t[0] - dur
    hi[2] = t[n - 1] + dur
    for u in (3, 4):
        lo[u] = np.log(1e-3 * step)
        hi[u] = np.log(100.0 * dur)
    if model == 1:
        nu = _NU_START[start]
        p[5] = np.log(nu / (1.0 - nu))
        p[6] = np.log(max(0.5 * (t_dn - t[ipk]), step) * _PLATEAU_SCALE[start])
        lo[5], hi[5] = -30.0, 30.0
        lo[6], hi[6] = np.log(1e-3 * step), np.log(10.0 * dur)
    p[0] = 1.0
    p[1] = 0.0
    nat = np.empty(4)
    _natural_shape(model, p, nat)
    unit = _model_row(model, t[ipk], 0, p, nat, np.empty(p.shape[0]))
    p[0] = amp / max(unit, 1e-12)
    p[1] = base


@numba.njit(**_JIT)
def _fit(model, t, f, w, band, p, lo, hi, cov, max_iter, lam):
    """Levenberg-Marquardt from ``p`` in bounds; returns chi2, fills ``p``, ``cov``.

    ``band`` holds each point's band column (read by the multi-band model).
    """
    k = p.shape[0]
    jtj = np.empty((k, k))
    grad = np.empty(k)
    row = np.empty(k)
    a = np.empty((k, k))
    rhs = np.empty(k)
    dp = np.empty(k)
    trial = np.empty(k)
    chi2 = _normal(model, t, f, w, band, p, jtj, grad, row)
    for _ in range(max_iter):
        improved = False
        while lam < 1e12:
            for u in range(k):
                for v in range(k):
                    a[u, v] = jtj[u, v]
                a[u, u] += lam * max(jtj[u, u], 1e-300)
                rhs[u] = grad[u]
            if not solve_small(a, rhs, 0.0):
                lam *= 10.0
                continue
            dp[:] = rhs
            for u in range(k):
                trial[u] = p[u] + dp[u]
            _clip(trial, lo, hi)
            new = _chi2(model, t, f, w, band, trial, row)
            if np.isfinite(new) and new <= chi2:
                improved = True
                break
            lam *= 4.0
        if not improved:
            break
        gain = chi2 - new
        p[:] = trial
        chi2 = _normal(model, t, f, w, band, p, jtj, grad, row)
        lam = max(lam / 3.0, 1e-12)
        if gain <= _TOL * chi2 or gain <= _ATOL:
            break
    # covariance of the internal parameters: (J^T W J)^-1, not rescaled
    for c in range(k):
        for u in range(k):
            for v in range(k):
                a[u, v] = jtj[u, v]
            rhs[u] = 1.0 if u == c else 0.0
        if not solve_small(a, rhs, 0.0):
            cov[:, :] = np.nan
            return chi2
        cov[:, c] = rhs
    return chi2


@numba.njit(**_JIT)
def _weak_kink(p, cov, t, at):
    """Whether a Villar fit's kink may sit in the wrong sample interval.

    True when the plateau slope ``nu / gamma`` and the decline slope
    ``(1 - nu) / tau_fall`` differ by less than ``_WEAK_KINK`` (the kink
    barely shows) and the uncertainty of ``gamma`` is below twice the mean
    sampling step (the data resolve the kink to an interval; noisier data
    do not, and moving it buys nothing). ``t0`` is ``p[at]`` (the shape's
    parameters follow it); ``t`` is sorted.
    """
    nu = _sigmoid(p[at + 3])
    gam = np.exp(p[at + 4])
    plateau = nu / gam
    decline = (1.0 - nu) / np.exp(p[at + 2])
    step = (t[t.shape[0] - 1] - t[0]) / (t.shape[0] - 1)
    resolved = gam * np.sqrt(max(cov[at + 4, at + 4], 0.0)) < 2.0 * step
    return resolved and abs(plateau - decline) < _WEAK_KINK * max(plateau, decline)


@numba.njit(**_JIT)
def _hop(model, at, t, f, w, band, p, lo, hi, cov, chi2, max_iter, q, qcov):
    """Move Villar's plateau end ``t0 + gamma`` across samples while chi2 falls.

    The chi-square is smooth in ``gamma`` only while the kink stays between
    the same two samples; each interval holds its own local minimum, where
    the plateau trades against the decline. From the fit ``p``, the kink is
    moved to the middle of the next interval (later, then earlier; one
    interval may be skipped) with the plateau slope ``nu / gamma`` kept,
    refitted, and the move kept where the chi-square falls. Returns the
    chi-square; ``p``, ``cov`` are updated. ``model`` is the Villar model
    code (1 per band, 3 multi-band), ``t0`` is ``p[at]``; ``t`` is sorted.
    """
    n = t.shape[0]
    moved = False
    for direction in (1, -1):
        j = np.searchsorted(t, p[at] + np.exp(p[at + 4]))  # t[j - 1] < kink <= t[j]
        misses = 0
        for _ in range(_MAX_HOPS):
            j += direction
            if j < 1 or j >= n:
                break
            gam = np.exp(p[at + 4])
            g2 = 0.5 * (t[j - 1] + t[j]) - p[at]
            if not g2 > 0.0:
                break
            nu2 = min(max(_sigmoid(p[at + 3]) * g2 / gam, 1e-6), 1.0 - 1e-6)
            q[:] = p
            q[at + 3] = np.log(nu2 / (1.0 - nu2))
            q[at + 4] = np.log(g2)
            _clip(q, lo, hi)
            c = _fit(model, t, f, w, band, q, lo, hi, qcov, _HOP_ITER, _LAM_SAFE)
            if c < chi2 * (1.0 - 1e-9):
                moved = True
                chi2 = c
                p[:] = q
                cov[:, :] = qcov
                j = np.searchsorted(t, p[at] + np.exp(p[at + 4]))
                misses = 0
            else:
                misses += 1  # one interval may be skipped, not two
                if misses > 1:
                    break
    if moved:  # the short refits of the moves are finished
        chi2 = _fit(model, t, f, w, band, p, lo, hi, cov, max_iter, _LAM_FIRST)
    return chi2


@numba.njit(**_JIT)
def _kernel(model, n_starts, t, f, err, offsets, max_iter, out):
    k = 5 if model == 0 else 7
    p = np.empty(k)
    cov = np.empty((k, k))
    q = np.empty(k)
    qcov = np.empty((k, k))
    lo = np.empty(k)
    hi = np.empty(k)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        n = b - a
        if n < k + 1:
            continue
        ts, fs = t[a:b], f[a:b]
        w = 1.0 / (err[a:b] * err[a:b])
        band = np.zeros(n, np.int64)
        chi2 = np.inf
        # start 0 with little damping, then every start with strong damping
        for attempt in range(n_starts + 1):
            if chi2 <= _GOOD_CHI2 * (n - k):
                break  # a good fit: the other starts are skipped
            _init(model, max(attempt - 1, 0), ts, fs, q, lo, hi)
            lam = _LAM_FIRST if attempt == 0 else _LAM_SAFE
            c = _fit(model, ts, fs, w, band, q, lo, hi, qcov, max_iter, lam)
            if c < chi2 or attempt == 0:
                chi2 = c
                p[:] = q
                cov[:, :] = qcov
        if model == 1 and np.isfinite(chi2) and _weak_kink(p, cov, ts, 2):
            chi2 = _hop(1, 2, ts, fs, w, band, p, lo, hi, cov, chi2, max_iter, q, qcov)
        _natural(p, cov, k, out[s])
        out[s, 2 * k] = chi2 / (n - k)


@numba.njit(**_JIT)
def _natural(p, cov, k, row):
    """Natural parameters (log and logistic ones mapped back) and their
    errors by the delta method into ``row[:2 k]``."""
    for u in range(k):
        val = p[u]
        sd = np.sqrt(cov[u, u]) if cov[u, u] >= 0 else np.nan
        if u == 3 or u == 4 or u == 6:
            val = np.exp(p[u])
            sd = val * sd
        elif u == 5:
            val = _sigmoid(p[u])
            sd = val * (1.0 - val) * sd
        row[u] = val
        row[k + u] = sd


def fit(batch, model: str, max_iter: int) -> dict[str, np.ndarray]:
    """Fit ``model`` (``"bazin"`` or ``"villar"``) to every segment."""
    names = BAZIN_NAMES if model == "bazin" else VILLAR_NAMES
    out = np.full((batch.n_segments, len(names)), np.nan)
    code = 0 if model == "bazin" else 1
    t, f, err, off = batch.t, batch.m, batch.err, batch.offsets
    _kernel(code, N_STARTS[model], t, f, err, off, int(max_iter), out)
    return dict(zip(names, out.T))
