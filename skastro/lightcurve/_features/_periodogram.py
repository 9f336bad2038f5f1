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
Baluev (2008) false-alarm probability. Sines and cosines are advanced by
rotation (two multiplications per point and frequency, re-seeded exactly
every 512 steps) rather than recomputed.

Grid of an object with time span ``T``: step ``1 / (oversampling T)``, from
``1 / max_period`` (or one step) to ``1 / min_period``.
"""

from __future__ import annotations

import math

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
_FAST = {"reassoc", "contract", "nsz", "arcp"}


@numba.njit(cache=True, nogil=True, fastmath=_FAST)
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


@numba.njit(cache=True, nogil=True, fastmath=_FAST)
def _rotate(c, s, cd, sd, a, b):
    for i in range(a, b):
        ci = c[i]
        c[i] = ci * cd[i] - s[i] * sd[i]
        s[i] = s[i] * cd[i] + ci * sd[i]


@numba.njit(cache=True, nogil=True)
def _push_peak(pw, fr, k_series, power, freq):
    """Insert (power, freq) into the descending top list of one series."""
    n = pw.shape[1]
    if power <= pw[k_series, n - 1]:
        return
    j = n - 1
    while j > 0 and pw[k_series, j - 1] < power:
        pw[k_series, j] = pw[k_series, j - 1]
        fr[k_series, j] = fr[k_series, j - 1]
        j -= 1
    pw[k_series, j] = power
    fr[k_series, j] = freq


@numba.njit(cache=True, nogil=True)
def _refine(p0, p1, p2, k_center, f0, df):
    """Parabolic peak refinement around grid index ``k_center``."""
    den = p0 - 2.0 * p1 + p2
    shift = 0.0
    if den < 0:
        shift = 0.5 * (p0 - p2) / den
        shift = min(max(shift, -0.5), 0.5)
    return f0 + (k_center + shift) * df


@numba.njit(cache=True, nogil=True)
def _kernel(
    t,
    m,
    err,
    seg,
    n_objects,
    n_bands,
    min_period,
    max_period,
    oversampling,
    peak_f,
    peak_p,
    peak_snr,
    fap,
    mb_f,
    mb_p,
):
    n_peaks = peak_f.shape[1]
    n_series = n_bands + 1
    two_pi = 2.0 * math.pi
    fmax = 1.0 / min_period
    for o in range(n_objects):
        a_obj = seg[o * n_bands]
        b_obj = seg[(o + 1) * n_bands]
        if b_obj - a_obj < MIN_POINTS:
            continue
        t0 = np.inf
        t1 = -np.inf
        for bnd in range(n_bands):
            a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
            if b > a:
                t0 = min(t0, t[a])
                t1 = max(t1, t[b - 1])
        span = t1 - t0
        if not span > 0:
            continue
        df = 1.0 / (oversampling * span)
        fmin = df if max_period <= 0 else 1.0 / max_period
        if fmax < fmin:
            continue
        nf = int(math.floor((fmax - fmin) / df)) + 1
        npts = b_obj - a_obj
        w = np.empty(npts)
        wy = np.empty(npts)
        c = np.empty(npts)
        s = np.empty(npts)
        cd = np.empty(npts)
        sd = np.empty(npts)
        tr = np.empty(npts)
        yy = np.zeros(n_bands)
        chi0 = np.zeros(n_bands)
        valid = np.zeros(n_bands, dtype=np.bool_)
        la = np.empty(n_bands, dtype=np.int64)
        lb = np.empty(n_bands, dtype=np.int64)
        for bnd in range(n_bands):
            a, b = seg[o * n_bands + bnd], seg[o * n_bands + bnd + 1]
            la[bnd] = a - a_obj
            lb[bnd] = b - a_obj
            if b - a < MIN_POINTS:
                continue
            wsum = 0.0
            wm = 0.0
            for i in range(a, b):
                wi = 1.0 / (err[i] * err[i])
                wsum += wi
                wm += wi * m[i]
            wm /= wsum
            acc = 0.0
            raw = 0.0
            for i in range(a, b):
                wi = 1.0 / (err[i] * err[i])
                y = m[i] - wm
                j = i - a_obj
                w[j] = wi / wsum
                wy[j] = w[j] * y
                acc += w[j] * y * y
                raw += wi * y * y
            if acc > 0:
                yy[bnd] = acc
                chi0[bnd] = raw
                valid[bnd] = True
        for j in range(npts):
            tr[j] = t[a_obj + j] - t0
            cd[j] = math.cos(two_pi * df * tr[j])
            sd[j] = math.sin(two_pi * df * tr[j])
        chi0_sum = 0.0
        for bnd in range(n_bands):
            if valid[bnd]:
                chi0_sum += chi0[bnd]
        pw = np.full((n_series, n_peaks), -1.0)
        fr = np.full((n_series, n_peaks), np.nan)
        prev1 = np.zeros(n_series)
        prev2 = np.zeros(n_series)
        p_cur = np.zeros(n_series)
        psum = np.zeros(n_series)
        psq = np.zeros(n_series)
        for k in range(nf):
            if k % _RESEED == 0:
                f = fmin + k * df
                for j in range(npts):
                    ph = two_pi * f * tr[j]
                    c[j] = math.cos(ph)
                    s[j] = math.sin(ph)
            mb = 0.0
            for bnd in range(n_bands):
                if valid[bnd]:
                    p = _band_power(w, wy, c, s, la[bnd], lb[bnd], yy[bnd])
                    p_cur[bnd] = p
                    mb += chi0[bnd] * p
            if n_bands > 1 and chi0_sum > 0:
                p_cur[n_bands] = mb / chi0_sum
            for q in range(n_series):
                if q < n_bands and not valid[q]:
                    continue
                if q == n_bands and (n_bands == 1 or chi0_sum <= 0):
                    continue
                p = p_cur[q]
                psum[q] += p
                psq[q] += p * p
                # is k - 1 a local maximum?
                if k >= 1 and (k == 1 or prev1[q] > prev2[q]) and prev1[q] >= p:
                    if k == 1:
                        f_peak = fmin
                    else:
                        f_peak = _refine(prev2[q], prev1[q], p, k - 1, fmin, df)
                    _push_peak(pw, fr, q, prev1[q], f_peak)
                prev2[q] = prev1[q]
                prev1[q] = p
            _rotate(c, s, cd, sd, 0, npts)
        for q in range(n_series):
            if q < n_bands and not valid[q]:
                continue
            if q == n_bands and (n_bands == 1 or chi0_sum <= 0):
                continue
            # last grid point (or a one-point grid)
            if nf == 1 or prev1[q] > prev2[q]:
                _push_peak(pw, fr, q, prev1[q], fmin + (nf - 1) * df)
            mean = psum[q] / nf
            var = psq[q] / nf - mean * mean
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
                a, b = la[q], lb[q]
                fap[o * n_bands + q] = _fap_baluev(pw[q, 0], fmax, tr, w, a, b)


@numba.njit(cache=True, nogil=True)
def _fap_baluev(z, fmax, tr, w, a, b):
    """Baluev (2008) false-alarm probability, 'standard' normalisation.

    As astropy's ``fap_baluev`` with a floating mean (dH = 1, dK = 3).
    """
    n = b - a
    nh = n - 1.0
    nk = n - 3.0
    if nh <= 1 or z >= 1.0:
        return 0.0 if z >= 1.0 else np.nan
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


@numba.njit(cache=True, nogil=True)
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


@numba.njit(cache=True, nogil=True)
def _folded_kernel(t, m, err, seg, period, out):
    two_pi = 2.0 * math.pi
    for sgm in range(seg.shape[0] - 1):
        a, b = seg[sgm], seg[sgm + 1]
        n = b - a
        p = period[sgm]
        if n < MIN_POINTS or not p > 0:
            continue
        t0 = t[a]
        mean = 0.0
        for i in range(a, b):
            mean += m[i]
        mean /= n
        var = 0.0
        for i in range(a, b):
            var += (m[i] - mean) ** 2
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
                mj = m[a + order[j]]
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
                atb[r] += wi * row[r] * (m[i] - mean)
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


def periodogram_peaks(batch, *, n_peaks, min_period, max_period, oversampling):
    """Peaks of every (object, band) segment and the multi-band peaks."""
    n_seg = batch.n_segments
    peak_f = np.full((n_seg, n_peaks), np.nan)
    peak_p = np.full((n_seg, n_peaks), np.nan)
    peak_snr = np.full((n_seg, n_peaks), np.nan)
    fap = np.full(n_seg, np.nan)
    mb_f = np.full((batch.n_objects, n_peaks), np.nan)
    mb_p = np.full((batch.n_objects, n_peaks), np.nan)
    _kernel(
        batch.t,
        batch.m,
        batch.err,
        batch.offsets,
        batch.n_objects,
        batch.n_bands,
        float(min_period),
        float(max_period) if max_period is not None else -1.0,
        float(oversampling),
        peak_f,
        peak_p,
        peak_snr,
        fap,
        mb_f,
        mb_p,
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
