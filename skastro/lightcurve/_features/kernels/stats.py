"""Kernel of the magnitude-distribution features (location, spread, shape)."""

from __future__ import annotations

import math

import numba
import numpy as np

from ..families.stats import FAMILY

# column j of the kernel's output is FAMILY.features[j]
NAMES = tuple(spec.name for spec in FAMILY.features)


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def hazen(x, a, n, q):
    """Quantile ``q`` of sorted ``x[a:a+n]``, numpy ``method="hazen"``."""
    pos = q * n - 0.5
    if pos <= 0.0:
        return x[a]
    if pos >= n - 1:
        return x[a + n - 1]
    lo = int(math.floor(pos))
    frac = pos - lo
    return x[a + lo] + frac * (x[a + lo + 1] - x[a + lo])


@numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _deviation(ms, a, n, median, i, left):
    """|x - median| of the i-th nearest point on one side of the middle.

    Left of the middle (the first n // 2 sorted points) deviations grow
    towards the start, right of it towards the end: each side is a sorted
    list of deviations.
    """
    h = n // 2
    if left:
        return abs(median - ms[a + h - 1 - i])
    return abs(ms[a + h + i] - median)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kth_deviation(ms, a, n, median, k):
    """k-th smallest |x - median| (0-based) of sorted ``ms[a:a+n]``.

    The k+1 smallest deviations take some i points from the left side and
    k+1-i from the right; i is found by bisection (O(log n)), the merge of
    two sorted lists without walking them.
    """
    n_left = n // 2
    n_right = n - n_left
    lo = max(0, k + 1 - n_right)
    hi = min(k + 1, n_left)
    while lo < hi:
        i = (lo + hi) // 2
        if _deviation(ms, a, n, median, i, True) < _deviation(
            ms, a, n, median, k - i, False
        ):
            lo = i + 1
        else:
            hi = i
    j = k + 1 - lo
    best = -math.inf
    if lo > 0:
        best = _deviation(ms, a, n, median, lo - 1, True)
    if j > 0:
        best = max(best, _deviation(ms, a, n, median, j - 1, False))
    return best


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _median_abs_dev(ms, a, n, median):
    """Median of |x - median| from the magnitude-sorted segment."""
    hi = _kth_deviation(ms, a, n, median, n // 2)
    if n % 2 == 1:
        return hi
    return 0.5 * (_kth_deviation(ms, a, n, median, n // 2 - 1) + hi)


_TINY = 2.0**-500
_HUGE = 2.0**500
_LN_TINY = 500.0 * math.log(2.0)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _anderson_darling(ms, a, n, ref, mean_rel, std, scratch):
    """Anderson-Darling A^2 of sorted ``ms[a:a+n]`` against N(mean, std).

    The statistic needs sum_k (2k+1) log F_k + (2(n-k)-1) log S_k with
    F = Phi(z), S = 1 - F. Written with suffix sums of log F (and prefix
    sums of log S) it becomes log P_0 + 2 log prod_{j>=1} P_j where
    P_j = prod_{k>=j} F_k: four logarithms per light curve instead of two
    per point. Products are kept in range by exact power-of-two rescaling,
    so only relative rounding errors (about n^2 / 2 ulp in the worst case)
    enter. A point whose tail probability is below 1e-100 (|z| > 21) falls
    back to summing logarithms, which keeps such outliers exact.
    """
    sqrt2 = math.sqrt(2.0)
    cdf = scratch[:n]
    sf = scratch[n : 2 * n]
    smallest = 1.0
    for k in range(n):
        z = ((ms[a + k] - ref) - mean_rel) / std
        # one erfc per point; the complement is taken of the larger of the
        # two tails, which keeps both accurate
        if z < 0:
            c = 0.5 * math.erfc(-z / sqrt2)
            cdf[k] = c
            sf[k] = 1.0 - c
            smallest = min(smallest, c)
        else:
            s = 0.5 * math.erfc(z / sqrt2)
            sf[k] = s
            cdf[k] = 1.0 - s
            smallest = min(smallest, s)
    if smallest < 1e-100:
        total = 0.0
        for k in range(n):
            total += (2 * k + 1) * math.log(cdf[k]) + (2 * (n - k) - 1) * math.log(
                sf[k]
            )
    else:
        # p: suffix product of F, q: product of the suffix products (j >= 1);
        # r: prefix product of S, u: product of the prefix products (j <= n-2);
        # each carries a count of 2^-500 factors taken out
        p = q = r = u = 1.0
        ep = eq = er = eu = 0
        for i in range(n):
            k = n - 1 - i
            p *= cdf[k]
            if p < _TINY:
                p *= _HUGE
                ep += 1
            r *= sf[i]
            if r < _TINY:
                r *= _HUGE
                er += 1
            if k >= 1:
                q *= p
                eq += ep
                if q < _TINY:
                    q *= _HUGE
                    eq += 1
            if i <= n - 2:
                u *= r
                eu += er
                if u < _TINY:
                    u *= _HUGE
                    eu += 1
        total = (
            math.log(p)
            + 2.0 * math.log(q)
            + math.log(r)
            + 2.0 * math.log(u)
            - _LN_TINY * (ep + 2 * eq + er + 2 * eu)
        )
    return (1.0 + 4.0 / n - 25.0 / (n * n)) * (-n - total / n)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel(m, err, ms, offsets, need_ad, out):
    longest = 0
    for s in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[s + 1] - offsets[s])
    # cdf and sf of one light curve for Anderson-Darling
    scratch = np.empty(2 * longest if need_ad else 0)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        n = b - a
        if n == 0:
            continue
        # sums relative to the first magnitude: exact offset invariance and
        # no cancellation for constant light curves
        ref = m[a]
        acc = 0.0
        wsum = 0.0
        wm = 0.0
        e2 = 0.0
        for i in range(a, b):
            acc += m[i] - ref
            w = 1.0 / (err[i] * err[i])
            wsum += w
            wm += w * (m[i] - ref)
            e2 += err[i] * err[i]
        mean_rel = acc / n
        wmean_rel = wm / wsum
        mean = ref + mean_rel
        wmean = ref + wmean_rel
        lo_, hi_ = ms[a], ms[b - 1]
        median = hazen(ms, a, n, 0.5)
        out[s, 0] = mean
        out[s, 1] = wmean
        out[s, 2] = median
        out[s, 6] = 0.5 * (hi_ - lo_)
        out[s, 7] = max(hi_ - median, median - lo_)
        out[s, 8] = _median_abs_dev(ms, a, n, median)
        q25 = hazen(ms, a, n, 0.25)
        q75 = hazen(ms, a, n, 0.75)
        out[s, 9] = q75 - q25
        buf = 0.05 * (hi_ - lo_)
        inside = 0
        for i in range(a, b):
            if abs(m[i] - median) < buf:
                inside += 1
        out[s, 11] = inside / n
        q05 = hazen(ms, a, n, 0.05)
        q95 = hazen(ms, a, n, 0.95)
        span = q95 - q05
        if span > 0:
            out[s, 12] = (hazen(ms, a, n, 0.60) - hazen(ms, a, n, 0.40)) / span
            out[s, 13] = (hazen(ms, a, n, 0.675) - hazen(ms, a, n, 0.325)) / span
            out[s, 14] = (q75 - q25) / span
            out[s, 15] = (hazen(ms, a, n, 0.825) - hazen(ms, a, n, 0.175)) / span
            out[s, 16] = (hazen(ms, a, n, 0.90) - hazen(ms, a, n, 0.10)) / span
        if median != 0:
            out[s, 17] = span / median
        if n < 2:
            continue
        m2 = 0.0
        m3 = 0.0
        m4 = 0.0
        chi2 = 0.0
        for i in range(a, b):
            d = (m[i] - ref) - mean_rel
            d2 = d * d
            m2 += d2
            m3 += d2 * d
            m4 += d2 * d2
            r = ((m[i] - ref) - wmean_rel) / err[i]
            chi2 += r * r
        var = m2 / (n - 1)
        std = math.sqrt(var)
        out[s, 3] = std
        out[s, 20] = chi2 / (n - 1)
        if mean != 0:
            out[s, 19] = (var - e2 / n) / (mean * mean)
            out[s, 21] = std / mean
        if std == 0:
            continue
        beyond = 0
        for i in range(a, b):
            if abs((m[i] - ref) - mean_rel) > std:
                beyond += 1
        out[s, 10] = beyond / n
        if n >= 3:
            out[s, 4] = n / ((n - 1.0) * (n - 2.0)) * m3 / (var * std)
        if n >= 4:
            out[s, 5] = n * (n + 1.0) / ((n - 1.0) * (n - 2.0) * (n - 3.0)) * m4 / (
                var * var
            ) - 3.0 * (n - 1.0) ** 2 / ((n - 2.0) * (n - 3.0))
            if not need_ad:
                continue
            out[s, 18] = _anderson_darling(ms, a, n, ref, mean_rel, std, scratch)


def compute(batch, *, need_ad: bool = True) -> dict[str, np.ndarray]:
    """Every column; Anderson-Darling (the costliest) only when ``need_ad``."""
    out = np.full((batch.n_segments, len(NAMES)), np.nan)
    _kernel(batch.m, batch.err, batch.sorted_m, batch.offsets, need_ad, out)
    return dict(zip(NAMES, out.T))
