"""Lomb-Scargle periodogram peaks, multi-band period and folded-curve features.

One compiled pass per object evaluates, on the object's frequency grid, the
generalised Lomb-Scargle power (floating mean, weights ``1 / err^2``,
Zechmeister & Kurster 2009, astropy's ``"standard"`` normalisation) of every
band and, with several bands, the multi-band power of VanderPlas & Ivezic
(2015) with one shared frequency and a free mean and amplitude per band:
``sum_b (chi2_0,b - chi2_b(f)) / sum_b chi2_0,b``. Peaks are found while the
grid is walked (nothing of size n_frequencies is stored), refined by a
parabola through the three grid points around each, and reported with their
power, their signal-to-noise ``(P - mean P) / std P`` and, for the best, the
Baluev (2008) false-alarm probability.

Two evaluations of the same sums, chosen per object by cost: "direct"
(exact; sines and cosines advanced by rotation, re-seeded exactly every 512
steps) and "fft" (a type-1 non-uniform FFT by Gaussian gridding,
Greengard & Lee 2004: oversampling 2, 16-point kernel, single-precision
FFTs, power within ~1e-6 of exact; three FFTs per object, of the weighted
data and of the weights at f and 2f).

Grid of an object with time span ``T``: frequencies ``k df`` with
``df = 1 / (oversampling T)``, ``k`` from ``ceil(1 / (max_period df))`` (or 1)
to ``floor(1 / (min_period df))``.
"""

from __future__ import annotations

import functools
import math
import os
import threading

import numba
import numpy as np

FOLDED_NAMES = (
    "psi_cs",
    "psi_eta",
    "fourier_amplitude_1",
    "fourier_amplitude_2",
    "fourier_amplitude_3",
    "fourier_amplitude_4",
    "fourier_r21",
    "fourier_r31",
    "fourier_phi21",
    "fourier_phi31",
)
MIN_POINTS = 3
_RESEED = 512
_MSP = 8  # Gaussian gridding half-width (~1e-8 relative in double precision)
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _band_power(w, wy, c, s, a, b, yy):
    sw_c = 0.0
    sw_s = 0.0
    swy_c = 0.0
    swy_s = 0.0
    sw_cc = 0.0
    sw_cs = 0.0
    for i in range(a, b):
        ci = c[i]
        si = s[i]
        wi = w[i]
        sw_c += wi * ci
        sw_s += wi * si
        swy_c += wy[i] * ci
        swy_s += wy[i] * si
        sw_cc += wi * ci * ci
        sw_cs += wi * ci * si
    cc = sw_cc - sw_c * sw_c
    ss = (1.0 - sw_cc) - sw_s * sw_s
    cs = sw_cs - sw_c * sw_s
    d = cc * ss - cs * cs
    if d <= 1e-300 * (cc + ss + 1.0):
        return 0.0
    p = (ss * swy_c * swy_c + cc * swy_s * swy_s - 2.0 * cs * swy_c * swy_s) / (yy * d)
    return min(max(p, 0.0), 1.0)


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _rotate(c, s, cd, sd, a, b):
    for i in range(a, b):
        ci = c[i]
        c[i] = ci * cd[i] - s[i] * sd[i]
        s[i] = s[i] * cd[i] + ci * sd[i]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _push_peak(pw, fr, q, power, freq):
    """Insert (power, freq) into the descending top list of series ``q``."""
    n = pw.shape[1]
    if power <= pw[q, n - 1]:
        return
    j = n - 1
    while j > 0 and pw[q, j - 1] < power:
        pw[q, j] = pw[q, j - 1]
        fr[q, j] = fr[q, j - 1]
        j -= 1
    pw[q, j] = power
    fr[q, j] = freq


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _refine(p0, p1, p2):
    """Offset (in grid steps) of the parabola's vertex through 3 points."""
    den = p0 - 2.0 * p1 + p2
    if den < 0:
        return min(max(0.5 * (p0 - p2) / den, -0.5), 0.5)
    return 0.0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _track(state, pw, fr, q, j, k, p, df):
    """Feed power ``p`` at grid position ``j`` (frequency ``k df``) to series q.

    ``state[q]`` holds (previous power, the one before, sum, sum of squares).
    A local maximum at position ``j - 1`` is pushed to the top list.
    """
    prev1 = state[q, 0]
    prev2 = state[q, 1]
    if j >= 1 and (j == 1 or prev1 > prev2) and prev1 >= p:
        shift = 0.0 if j == 1 else _refine(prev2, prev1, p)
        _push_peak(pw, fr, q, prev1, (k - 1 + shift) * df)
    state[q, 1] = prev1
    state[q, 0] = p
    state[q, 2] += p
    state[q, 3] += p * p


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _grids(t, seg, n_objects, n_bands, min_period, max_period, oversampling, fixed):
    """Per-object grid: (t0, df, k0, k1), frequencies ``k df`` for k0..k1.

    ``fixed = (df, k0, k1)`` with df > 0 imposes one grid on every object.
    """
    t0 = np.full(n_objects, np.nan)
    df = np.full(n_objects, np.nan)
    k0 = np.zeros(n_objects, dtype=np.int64)
    k1 = np.full(n_objects, -1, dtype=np.int64)
    for o in range(n_objects):
        lo = np.inf
        hi = -np.inf
        for bnd in range(n_bands):
            a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
            if b > a:
                lo = min(lo, t[a])
                hi = max(hi, t[b - 1])
        if seg[(o + 1) * n_bands] - seg[o * n_bands] < MIN_POINTS:
            continue
        span = hi - lo
        t0[o] = lo
        if fixed[0] > 0:
            df[o] = fixed[0]
            k0[o] = int(fixed[1])
            k1[o] = int(fixed[2])
            continue
        if not span > 0:
            continue
        step = 1.0 / (oversampling * span)
        fmin = step if max_period <= 0 else 1.0 / max_period
        df[o] = step
        k0[o] = max(1, int(math.ceil(fmin / step - 1e-9)))
        k1[o] = int(math.floor(1.0 / (min_period * step) + 1e-9))
    return t0, df, k0, k1


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _prepare(t, m, err, seg, o, n_bands, t0, w, wy, tr, yy, chi0, la, lb):
    """Normalised weights, centred data and chi2_0 per band of object ``o``."""
    a_obj = seg[o * n_bands]
    for bnd in range(n_bands):
        a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
        la[bnd] = a - a_obj
        lb[bnd] = b - a_obj
        yy[bnd] = 0.0
        chi0[bnd] = 0.0
        for i in range(a, b):
            tr[i - a_obj] = t[i] - t0
        if b - a < MIN_POINTS:
            continue
        ref = m[a]
        wsum = 0.0
        wm = 0.0
        for i in range(a, b):
            wi = 1.0 / (err[i] * err[i])
            wsum += wi
            wm += wi * (m[i] - ref)
        wm /= wsum
        acc = 0.0
        raw = 0.0
        for i in range(a, b):
            wi = 1.0 / (err[i] * err[i])
            y = (m[i] - ref) - wm
            j = i - a_obj
            w[j] = wi / wsum
            wy[j] = w[j] * y
            acc += w[j] * y * y
            raw += wi * y * y
        if acc > 0:
            yy[bnd] = acc
            chi0[bnd] = raw


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _finish(
    o,
    n_bands,
    nf,
    kmax,
    df,
    state,
    pw,
    fr,
    yy,
    chi0,
    tr,
    w,
    la,
    lb,
    fmax,
    peak_f,
    peak_p,
    peak_snr,
    fap,
    mb_f,
    mb_p,
):
    n_peaks = pw.shape[1]
    chi0_sum = 0.0
    for bnd in range(n_bands):
        chi0_sum += chi0[bnd]
    for q in range(n_bands + 1):
        if q < n_bands and yy[q] <= 0:
            continue
        if q == n_bands and (n_bands == 1 or chi0_sum <= 0):
            continue
        if nf == 1 or state[q, 0] > state[q, 1]:
            _push_peak(pw, fr, q, state[q, 0], kmax * df)
        mean = state[q, 2] / nf
        var = state[q, 3] / nf - mean * mean
        sd_p = math.sqrt(var) if var > 0 else 0.0
        for j in range(n_peaks):
            if pw[q, j] < 0:
                continue
            if q == n_bands:
                mb_f[o, j] = 1.0 / fr[q, j]
                mb_p[o, j] = pw[q, j]
                continue
            row = o * n_bands + q
            peak_f[row, j] = 1.0 / fr[q, j]
            peak_p[row, j] = pw[q, j]
            if sd_p > 0:
                peak_snr[row, j] = (pw[q, j] - mean) / sd_p
        if q < n_bands and pw[q, 0] >= 0:
            fap[o * n_bands + q] = _fap_baluev(pw[q, 0], fmax, tr, w, la[q], lb[q])


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _direct_kernel(
    t,
    m,
    err,
    seg,
    objs,
    n_bands,
    g_t0,
    g_df,
    g_k0,
    g_k1,
    peak_f,
    peak_p,
    peak_snr,
    fap,
    mb_f,
    mb_p,
):
    """Exact evaluation, sines and cosines advanced by rotation."""
    n_peaks = peak_f.shape[1]
    n_series = n_bands + 1
    two_pi = 2.0 * math.pi
    for o in objs:
        a_obj = seg[o * n_bands]
        npts = seg[(o + 1) * n_bands] - a_obj
        df = g_df[o]
        k0, k1 = g_k0[o], g_k1[o]
        nf = k1 - k0 + 1
        w = np.zeros(npts)
        wy = np.zeros(npts)
        tr = np.empty(npts)
        c = np.empty(npts)
        s = np.empty(npts)
        cd = np.empty(npts)
        sd = np.empty(npts)
        yy = np.zeros(n_bands)
        chi0 = np.zeros(n_bands)
        la = np.empty(n_bands, dtype=np.int64)
        lb = np.empty(n_bands, dtype=np.int64)
        _prepare(t, m, err, seg, o, n_bands, g_t0[o], w, wy, tr, yy, chi0, la, lb)
        chi0_sum = 0.0
        for bnd in range(n_bands):
            chi0_sum += chi0[bnd]
        for j in range(npts):
            cd[j] = math.cos(two_pi * df * tr[j])
            sd[j] = math.sin(two_pi * df * tr[j])
        pw = np.full((n_series, n_peaks), -1.0)
        fr = np.full((n_series, n_peaks), np.nan)
        state = np.zeros((n_series, 4))
        for j in range(nf):
            k = k0 + j
            if j % _RESEED == 0:
                for i in range(npts):
                    ph = two_pi * (k * df) * tr[i]
                    c[i] = math.cos(ph)
                    s[i] = math.sin(ph)
            mb = 0.0
            for bnd in range(n_bands):
                if yy[bnd] > 0:
                    p = _band_power(w, wy, c, s, la[bnd], lb[bnd], yy[bnd])
                    _track(state, pw, fr, bnd, j, k, p, df)
                    mb += chi0[bnd] * p
            if n_bands > 1 and chi0_sum > 0:
                _track(state, pw, fr, n_bands, j, k, mb / chi0_sum, df)
            _rotate(c, s, cd, sd, 0, npts)
        _finish(
            o,
            n_bands,
            nf,
            k1,
            df,
            state,
            pw,
            fr,
            yy,
            chi0,
            tr,
            w,
            la,
            lb,
            k1 * df,
            peak_f,
            peak_p,
            peak_snr,
            fap,
            mb_f,
            mb_p,
        )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel_weights(x, n, tau, e3, out):
    """Gaussian gridding weights of a point at angle ``x`` in [0, 2 pi).

    ``out[i] = exp(-(2 pi m / n - x)^2 / (4 tau))`` for the 2 * _MSP grid
    points ``m = m0 - _MSP + 1 + i`` around ``x`` (Greengard & Lee 2004);
    returns ``m0``. With ``d = 2 pi m0 / n - x`` and ``h = 2 pi / n``, the
    weight at ``m0 + j`` factors as ``exp(-d^2 / 4 tau) exp(-d h / 2 tau)^j
    exp(-(j h)^2 / 4 tau)``: two exponentials a point and the last factor
    from ``e3`` (precomputed per grid) instead of one exponential a weight.
    """
    h = 2.0 * math.pi / n
    m0 = int(math.floor(x / h))
    d = h * m0 - x
    e1 = math.exp(-d * d / (4.0 * tau))
    e2 = math.exp(-d * h / (2.0 * tau))
    up = e1
    for j in range(0, _MSP + 1):  # j = 0 .. _MSP
        out[_MSP - 1 + j] = up * e3[_MSP - 1 + j]
        up *= e2
    down = e1
    inv = 1.0 / e2
    for j in range(1, _MSP):  # j = -1 .. -_MSP + 1
        down *= inv
        out[_MSP - 1 - j] = down * e3[_MSP - 1 - j]
    return m0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_weighted(grid, row, m0, y, wts):
    """``grid[row, (m0 - _MSP + 1 + i) % n] += y * wts[i]``."""
    n = grid.shape[1]
    start = m0 - _MSP + 1
    if start >= 0 and start + 2 * _MSP <= n:
        for i in range(2 * _MSP):
            grid[row, start + i] += y * wts[i]
    else:
        for i in range(2 * _MSP):
            grid[row, (start + i) % n] += y * wts[i]


def _gaussian_factors(n: int, tau: float) -> np.ndarray:
    """``exp(-(j h)^2 / 4 tau)`` for ``j = -_MSP + 1 .. _MSP``, ``h = 2 pi / n``."""
    j = np.arange(-_MSP + 1, _MSP + 1, dtype=float)
    return np.exp(-((j * 2.0 * np.pi / n) ** 2) / (4.0 * tau))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fill_grids(t, m, err, seg, objs, n_bands, g_t0, g_df, tau, e3, g_wy, g_w, g_w2):
    two_pi = 2.0 * math.pi
    n = g_w.shape[1]
    wts = np.empty(2 * _MSP)
    for r in range(objs.shape[0]):
        o = objs[r]
        a_obj = seg[o * n_bands]
        npts = seg[(o + 1) * n_bands] - a_obj
        w = np.zeros(npts)
        wy = np.zeros(npts)
        tr = np.empty(npts)
        yy = np.zeros(n_bands)
        chi0 = np.zeros(n_bands)
        la = np.empty(n_bands, dtype=np.int64)
        lb = np.empty(n_bands, dtype=np.int64)
        _prepare(t, m, err, seg, o, n_bands, g_t0[o], w, wy, tr, yy, chi0, la, lb)
        df = g_df[o]
        for bnd in range(n_bands):
            if yy[bnd] <= 0:
                continue
            row = r * n_bands + bnd
            for j in range(la[bnd], lb[bnd]):
                x1 = (two_pi * df * tr[j]) % two_pi
                x2 = (2.0 * x1) % two_pi
                # the weighted data and the weights share the angle x1
                m0 = _kernel_weights(x1, n, tau, e3, wts)
                _add_weighted(g_wy, row, m0, wy[j], wts)
                _add_weighted(g_w, row, m0, w[j], wts)
                m0 = _kernel_weights(x2, n, tau, e3, wts)
                _add_weighted(g_w2, row, m0, w[j], wts)


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _fft_power(f_wy, f_w, f_w2, dec, k0, yy, out):
    """Power at grid indices k0 .. k0 + len(out) - 1 from the deconvolved sums."""
    for j in range(out.shape[0]):
        k = k0 + j
        # deconvolved sums of g exp(-i k x): cos = real part, sin = -imag part
        yc = dec[k] * f_wy[k].real
        ys = -dec[k] * f_wy[k].imag
        cw = dec[k] * f_w[k].real
        sw = -dec[k] * f_w[k].imag
        c2 = dec[k] * f_w2[k].real
        s2 = -dec[k] * f_w2[k].imag
        cc = 0.5 * (1.0 + c2) - cw * cw
        ss = 0.5 * (1.0 - c2) - sw * sw
        cs = 0.5 * s2 - cw * sw
        d = cc * ss - cs * cs
        p = 0.0
        if d > 1e-300 * (cc + ss + 1.0):
            p = (ss * yc * yc + cc * ys * ys - 2.0 * cs * yc * ys) / (yy * d)
            p = min(max(p, 0.0), 1.0)
        out[j] = p


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _track_series(power, k0, df, pw, fr, q, state):
    """``_track`` over a whole stored power series (same peaks, faster)."""
    prev1 = 0.0
    prev2 = 0.0
    acc = 0.0
    acc2 = 0.0
    for j in range(power.shape[0]):
        p = power[j]
        acc += p
        acc2 += p * p
        if j >= 1 and (j == 1 or prev1 > prev2) and prev1 >= p:
            shift = 0.0 if j == 1 else _refine(prev2, prev1, p)
            _push_peak(pw, fr, q, prev1, (k0 + j - 1 + shift) * df)
        prev2 = prev1
        prev1 = p
    state[q, 0] = prev1
    state[q, 1] = prev2
    state[q, 2] = acc
    state[q, 3] = acc2


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fft_post(
    t,
    m,
    err,
    seg,
    objs,
    n_bands,
    g_t0,
    g_df,
    g_k0,
    g_k1,
    f_wy,
    f_w,
    f_w2,
    dec,
    peak_f,
    peak_p,
    peak_snr,
    fap,
    mb_f,
    mb_p,
):
    """Powers from the trigonometric sums, then peaks as in the direct path."""
    n_peaks = peak_f.shape[1]
    n_series = n_bands + 1
    for r in range(objs.shape[0]):
        o = objs[r]
        a_obj = seg[o * n_bands]
        npts = seg[(o + 1) * n_bands] - a_obj
        df = g_df[o]
        k0, k1 = g_k0[o], g_k1[o]
        nf = k1 - k0 + 1
        w = np.zeros(npts)
        wy = np.zeros(npts)
        tr = np.empty(npts)
        yy = np.zeros(n_bands)
        chi0 = np.zeros(n_bands)
        la = np.empty(n_bands, dtype=np.int64)
        lb = np.empty(n_bands, dtype=np.int64)
        _prepare(t, m, err, seg, o, n_bands, g_t0[o], w, wy, tr, yy, chi0, la, lb)
        chi0_sum = 0.0
        for bnd in range(n_bands):
            chi0_sum += chi0[bnd]
        pw = np.full((n_series, n_peaks), -1.0)
        fr = np.full((n_series, n_peaks), np.nan)
        state = np.zeros((n_series, 4))
        power = np.zeros((n_series, nf))
        for bnd in range(n_bands):
            if yy[bnd] <= 0:
                continue
            row = r * n_bands + bnd
            _fft_power(f_wy[row], f_w[row], f_w2[row], dec, k0, yy[bnd], power[bnd])
            _track_series(power[bnd], k0, df, pw, fr, bnd, state)
        if n_bands > 1 and chi0_sum > 0:
            for bnd in range(n_bands):
                if yy[bnd] > 0:
                    wb = chi0[bnd] / chi0_sum
                    for j in range(nf):
                        power[n_bands, j] += wb * power[bnd, j]
            _track_series(power[n_bands], k0, df, pw, fr, n_bands, state)
        _finish(
            o,
            n_bands,
            nf,
            k1,
            df,
            state,
            pw,
            fr,
            yy,
            chi0,
            tr,
            w,
            la,
            lb,
            k1 * df,
            peak_f,
            peak_p,
            peak_snr,
            fap,
            mb_f,
            mb_p,
        )


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fap_baluev(z, fmax, tr, w, a, b):
    """Baluev (2008) false-alarm probability, 'standard' normalisation.

    As astropy's ``fap_baluev`` with a floating mean (dH = 1, dK = 3).
    """
    n = b - a
    nh = n - 1.0
    nk = n - 3.0
    if n < 5:
        # N - 4 = 0 makes the bound jump from 1 to 0 as the power reaches 1
        return np.nan
    if z >= 1.0:
        return 0.0
    tw = 0.0
    for i in range(a, b):
        tw += w[i] * tr[i]
    dt = 0.0
    for i in range(a, b):
        dt += w[i] * (tr[i] - tw) ** 2
    big_w = fmax * math.sqrt(4.0 * math.pi * dt)
    gam = math.sqrt(2.0 / nh) * math.exp(
        math.lgamma(nh / 2.0) - math.lgamma((nh - 1) / 2)
    )
    fap_single = (1.0 - z) ** (0.5 * nk)
    tau = gam * big_w * (1.0 - z) ** (0.5 * (nk - 1.0)) * math.sqrt(0.5 * nh * z)
    # 1 - (1 - fap_single) exp(-tau), written to keep small values precise
    return -math.expm1(-tau) + fap_single * math.exp(-tau)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _solve(a, rhs):
    """Gaussian elimination with partial pivoting; NaN when singular."""
    n = rhs.shape[0]
    for col in range(n):
        piv = col
        best = abs(a[col, col])
        for r in range(col + 1, n):
            if abs(a[r, col]) > best:
                best = abs(a[r, col])
                piv = r
        if best < 1e-12 * (abs(a[0, 0]) + 1e-300):
            rhs[:] = np.nan
            return rhs
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
    return rhs


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _folded_kernel(t, m, err, seg, period, out):
    two_pi = 2.0 * math.pi
    for sgm in range(seg.shape[0] - 1):
        a, b = seg[sgm], seg[sgm + 1]
        n = b - a
        p = period[sgm]
        if n < MIN_POINTS or not p > 0:
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
        if n < 9:
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
        coef = _solve(ata, atb)
        if not np.isfinite(coef[0]):
            continue
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


def _fft_size(k1: np.ndarray) -> np.ndarray:
    """Power of two at least 4x the highest grid index (oversampling R = 2)."""
    need = np.maximum(4 * k1, 64).astype(float)
    return (2.0 ** np.ceil(np.log2(need))).astype(np.int64)


_FFT_BLOCK = 1 << 22
_GRID_DTYPE = np.float32
_FFT_COST = 1.0  # direct (point x frequency) vs FFT (n log n) unit cost


_FFTW = threading.local()  # per thread: {(size, dtype): pyfftw.FFTW}
_FFTW_PLAN_LOCK = threading.Lock()  # FFTW's planner is not thread-safe


@functools.cache
def _pyfftw_installed() -> bool:
    try:
        import pyfftw  # noqa: F401
    except ImportError:
        return False
    return True


def fft_backend() -> str:
    """The FFT library of the periodogram: ``"pyfftw"`` or ``"scipy"``.

    pyFFTW (the optional ``fftw`` extra) is used when it is installed: its
    transforms are 2-3x faster than ``scipy.fft`` here. The environment
    variable ``SKASTRO_FFT`` (``"scipy"``, ``"pyfftw"`` or ``"auto"``, the
    default) overrides the choice.
    """
    choice = os.environ.get("SKASTRO_FFT", "auto").strip().lower() or "auto"
    if choice not in ("auto", "scipy", "pyfftw"):
        raise ValueError(
            f"SKASTRO_FFT={choice!r}; expected 'auto', 'scipy' or 'pyfftw'."
        )
    if choice == "scipy":
        return "scipy"
    if _pyfftw_installed():
        return "pyfftw"
    if choice == "pyfftw":
        raise ImportError(
            "SKASTRO_FFT='pyfftw' but pyFFTW is not installed; install it "
            "(pip install 'skastro[fftw]') or unset SKASTRO_FFT."
        )
    return "scipy"


def _fftw_plan(size: int, dtype: np.dtype):
    """A one-row real FFT plan of ``size`` points, cached per thread."""
    plans = getattr(_FFTW, "plans", None)
    if plans is None:
        plans = _FFTW.plans = {}
    key = (size, np.dtype(dtype).str)
    plan = plans.get(key)
    if plan is None:
        import pyfftw

        with _FFTW_PLAN_LOCK:
            plan = pyfftw.builders.rfft(
                pyfftw.empty_aligned(size, dtype=dtype),
                threads=1,
                planner_effort="FFTW_ESTIMATE",
                overwrite_input=True,
            )
        plans[key] = plan
    return plan


def _rfft(grid: np.ndarray, kmax: int) -> np.ndarray:
    """The first ``kmax`` modes of the real FFT of every row of ``grid``."""
    if fft_backend() == "scipy":
        from scipy import fft

        return fft.rfft(grid, axis=1, overwrite_x=True)[:, :kmax]
    plan = _fftw_plan(grid.shape[1], grid.dtype)
    out = np.empty((grid.shape[0], kmax), dtype=plan.output_dtype)
    for r in range(grid.shape[0]):
        # the plan's output array is reused by its next call: copy it out
        out[r] = plan(grid[r])[:kmax]
    return out


def periodogram_peaks(
    batch,
    *,
    n_peaks,
    min_period,
    max_period,
    oversampling,
    method="auto",
    grid=None,
):
    """Peaks of every (object, band) segment and the multi-band peaks.

    ``method``: "direct" (exact sums, cost ~ n_points x n_frequencies),
    "fft" (non-uniform FFT by Gaussian gridding, three FFTs of a power of two
    at least 4x the highest grid index, cost ~ n_fft log n_fft) or
    "auto" (whichever is cheaper for each object). ``grid = (df, k0, k1)``
    imposes the frequencies ``k df, k0 <= k <= k1`` on every object.
    """
    n_seg, n_obj, n_bands = batch.n_segments, batch.n_objects, batch.n_bands
    peak_f = np.full((n_seg, n_peaks), np.nan)
    peak_p = np.full((n_seg, n_peaks), np.nan)
    peak_snr = np.full((n_seg, n_peaks), np.nan)
    fap = np.full(n_seg, np.nan)
    mb_f = np.full((n_obj, n_peaks), np.nan)
    mb_p = np.full((n_obj, n_peaks), np.nan)
    fixed = np.zeros(3) if grid is None else np.asarray(grid, dtype=float)
    t0, df, k0, k1 = _grids(
        batch.t,
        batch.offsets,
        n_obj,
        n_bands,
        float(min_period),
        float(max_period) if max_period is not None else -1.0,
        float(oversampling),
        fixed,
    )
    active = np.flatnonzero(k1 >= k0)
    if active.shape[0] == 0:
        return peak_f, peak_p, peak_snr, fap, mb_f, mb_p
    seg = batch.offsets
    npts = (seg[(active + 1) * n_bands] - seg[active * n_bands]).astype(float)
    nf = (k1[active] - k0[active] + 1).astype(float)
    n_fft = _fft_size(k1[active])
    if method == "direct":
        use_fft = np.zeros(active.shape[0], dtype=bool)
    elif method == "fft":
        use_fft = np.ones(active.shape[0], dtype=bool)
    else:
        cost_direct = npts * nf
        cost_fft = _FFT_COST * n_fft * np.log2(n_fft) + 4.0 * _MSP * npts
        use_fft = cost_direct > cost_fft
    outs = (peak_f, peak_p, peak_snr, fap, mb_f, mb_p)
    direct = active[~use_fft]
    if direct.shape[0]:
        _direct_kernel(
            batch.t, batch.m, batch.err, seg, direct, n_bands, t0, df, k0, k1, *outs
        )
    fft_objs, fft_sizes = active[use_fft], n_fft[use_fft]
    for size in np.unique(fft_sizes):
        group = fft_objs[fft_sizes == size]
        per_block = max(1, _FFT_BLOCK // (int(size) * n_bands))
        for lo in range(0, group.shape[0], per_block):
            objs = group[lo : lo + per_block]
            rows = objs.shape[0] * n_bands
            g_wy = np.zeros((rows, int(size)), dtype=_GRID_DTYPE)
            g_w = np.zeros((rows, int(size)), dtype=_GRID_DTYPE)
            g_w2 = np.zeros((rows, int(size)), dtype=_GRID_DTYPE)
            # Greengard & Lee (2004): M = size / 2 modes, R = 2
            n_modes = size // 2
            tau = np.pi * _MSP / (3.0 * n_modes**2)
            _fill_grids(
                batch.t,
                batch.m,
                batch.err,
                seg,
                objs,
                n_bands,
                t0,
                df,
                tau,
                _gaussian_factors(int(size), tau),
                g_wy,
                g_w,
                g_w2,
            )
            kmax = int(k1[objs].max()) + 1
            kk = np.arange(kmax, dtype=float)
            dec = np.sqrt(np.pi / tau) * np.exp(kk * kk * tau) / size
            f_wy = _rfft(g_wy, kmax)
            f_w = _rfft(g_w, kmax)
            f_w2 = _rfft(g_w2, kmax)
            del g_wy, g_w, g_w2
            _fft_post(
                batch.t,
                batch.m,
                batch.err,
                seg,
                objs,
                n_bands,
                t0,
                df,
                k0,
                k1,
                f_wy,
                f_w,
                f_w2,
                dec,
                *outs,
            )
    return peak_f, peak_p, peak_snr, fap, mb_f, mb_p


def compute(batch, *, n_peaks, min_period, max_period, oversampling):
    peak_f, peak_p, peak_snr, fap, mb_f, mb_p = periodogram_peaks(
        batch,
        n_peaks=n_peaks,
        min_period=min_period,
        max_period=max_period,
        oversampling=oversampling,
    )
    out = {}
    for j in range(n_peaks):
        out[f"period_{j}"] = peak_f[:, j]
        out[f"period_{j}_power"] = peak_p[:, j]
        out[f"period_{j}_snr"] = peak_snr[:, j]
    out["period_0_fap"] = fap
    folded = np.full((batch.n_segments, len(FOLDED_NAMES)), np.nan)
    _folded_kernel(batch.t, batch.m, batch.err, batch.offsets, peak_f[:, 0], folded)
    out.update(zip(FOLDED_NAMES, folded.T))
    for j in range(n_peaks):
        out[f"_period_multiband_{j}"] = mb_f[:, j]
        out[f"_period_multiband_{j}_power"] = mb_p[:, j]
    return out
