"""Kernel of the variability and trend features (eta, slopes, fits, runs)."""

from __future__ import annotations

import math

import numba
import numpy as np

from ..families.variability import FAMILY

# column j of the kernel's output is FAMILY.features[j]
NAMES = tuple(spec.name for spec in FAMILY.features)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel(
    t, m, err, offsets, need_cusum, need_con, need_trend, need_fit, need_acf, out
):
    inv_e = math.exp(-1.0)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        n = b - a
        if n < 2:
            continue
        t0 = t[a]
        acc = 0.0
        tacc = 0.0
        wsum = 0.0
        wm = 0.0
        wt = 0.0
        # magnitudes relative to the first one (exact offset invariance)
        ref = m[a]
        for i in range(a, b):
            acc += m[i] - ref
            tacc += t[i] - t0
            w = 1.0 / (err[i] * err[i])
            wsum += w
            wm += w * (m[i] - ref)
            if need_fit:
                wt += w * (t[i] - t0)
        mean = acc / n
        tmean = tacc / n
        wmean = wm / wsum
        wtmean = wt / wsum
        m2 = 0.0
        chi2 = 0.0
        absdev = 0.0
        sxx = 0.0
        sxy = 0.0
        wsxx = 0.0
        wsxy = 0.0
        for i in range(a, b):
            d = (m[i] - ref) - mean
            m2 += d * d
            r = ((m[i] - ref) - wmean) / err[i]
            chi2 += r * r
            absdev += abs(r)
            if need_trend:
                x = t[i] - t0 - tmean
                sxx += x * x
                sxy += x * d
            if need_fit:
                w = 1.0 / (err[i] * err[i])
                wx = t[i] - t0 - wtmean
                wsxx += w * wx * wx
                wsxy += w * wx * ((m[i] - ref) - wmean)
        var = m2 / (n - 1)
        std = math.sqrt(var)
        # slopes between consecutive points (pairs with equal times skipped)
        dm2 = 0.0
        slope2 = 0.0
        smax = 0.0
        n_slopes = 0
        for i in range(a + 1, b):
            dm = m[i] - m[i - 1]
            dm2 += dm * dm
            dt = t[i] - t[i - 1]
            if dt > 0:
                sl = dm / dt
                slope2 += sl * sl
                smax = max(smax, abs(sl))
                n_slopes += 1
        if n_slopes > 0:
            out[s, 3] = smax
        if chi2 > 0:
            out[s, 2] = absdev / math.sqrt(n * chi2)
        if var > 0:
            out[s, 0] = dm2 / ((n - 1) * var)
            if n_slopes > 0:
                dur = t[b - 1] - t0
                out[s, 1] = dur * dur / (n - 1.0) ** 3 * slope2 / var
            # cusum
            if need_cusum:
                cs = 0.0
                cmax = 0.0
                cmin = 0.0
                for i in range(a, b):
                    cs += ((m[i] - ref) - mean) / (n * std)
                    if i == a:
                        cmax = cs
                        cmin = cs
                    else:
                        cmax = max(cmax, cs)
                        cmin = min(cmin, cs)
                out[s, 4] = cmax - cmin
            # autocorrelation length (biased ACF, lag in points)
            if not need_acf:
                k_found = -1
            else:
                k_found = n
                for k in range(1, n):
                    c = 0.0
                    for i in range(a, b - k):
                        c += ((m[i] - ref) - mean) * ((m[i + k] - ref) - mean)
                    if c / m2 < inv_e:
                        k_found = k
                        break
            if k_found >= 0:
                out[s, 12] = k_found
        if n < 3:
            continue
        # runs of 3 consecutive points beyond 2 sigma
        if need_con:
            runs = 0
            if var > 0:
                for i in range(a, b - 2):
                    if (
                        abs((m[i] - ref) - mean) > 2 * std
                        and abs((m[i + 1] - ref) - mean) > 2 * std
                        and abs((m[i + 2] - ref) - mean) > 2 * std
                    ):
                        runs += 1
            out[s, 11] = runs / (n - 2.0)
        if sxx > 0:
            slope = sxy / sxx
            res2 = 0.0
            for i in range(a, b):
                r = ((m[i] - ref) - mean) - slope * (t[i] - t0 - tmean)
                res2 += r * r
            noise2 = res2 / (n - 2)
            out[s, 5] = slope
            out[s, 6] = math.sqrt(noise2 / sxx)
            out[s, 7] = math.sqrt(noise2)
        if wsxx > 0:
            wslope = wsxy / wsxx
            wres2 = 0.0
            for i in range(a, b):
                r = (((m[i] - ref) - wmean) - wslope * (t[i] - t0 - wtmean)) / err[i]
                wres2 += r * r
            out[s, 8] = wslope
            out[s, 9] = math.sqrt(1.0 / wsxx)
            out[s, 10] = wres2 / (n - 2)


def compute(batch, *, steps=None) -> dict[str, np.ndarray]:
    """Every column; the optional passes only when named in ``steps``.

    ``steps`` (the features' ``step`` in the registry): ``"cusum"``,
    ``"con"``, ``"trend"``, ``"fit"``, ``"autocorrelation"``; ``None`` runs
    them all. The columns of a pass left out stay NaN.
    """
    if steps is None:
        steps = {spec.step for spec in FAMILY.features if spec.step}
    out = np.full((batch.n_segments, len(NAMES)), np.nan)
    _kernel(
        batch.t,
        batch.m,
        batch.err,
        batch.offsets,
        "cusum" in steps,
        "con" in steps,
        "trend" in steps,
        "fit" in steps,
        "autocorrelation" in steps,
        out,
    )
    return dict(zip(NAMES, out.T))
