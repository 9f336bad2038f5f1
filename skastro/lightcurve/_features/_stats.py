"""Magnitude-distribution features (location, spread, shape, percentiles)."""

from __future__ import annotations

import math

import numba
import numpy as np

NAMES = (
    "mean",
    "weighted_mean",
    "median",
    "std",
    "skew",
    "kurtosis",
    "amplitude",
    "percent_amplitude",
    "median_abs_dev",
    "iqr",
    "beyond_1std",
    "median_buffer_range_percentage",
    "flux_percentile_ratio_mid20",
    "flux_percentile_ratio_mid35",
    "flux_percentile_ratio_mid50",
    "flux_percentile_ratio_mid65",
    "flux_percentile_ratio_mid80",
    "percent_difference_mag_percentile",
    "anderson_darling",
    "excess_variance",
    "reduced_chi2",
    "mean_variance",
)


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


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _select(buf, n, k):
    """k-th smallest of ``buf[:n]`` (quickselect, reorders ``buf``)."""
    lo, hi = 0, n - 1
    while lo < hi:
        pivot = buf[(lo + hi) // 2]
        i, j = lo, hi
        while i <= j:
            while buf[i] < pivot:
                i += 1
            while buf[j] > pivot:
                j -= 1
            if i <= j:
                tmp = buf[i]
                buf[i] = buf[j]
                buf[j] = tmp
                i += 1
                j -= 1
        if k <= j:
            hi = j
        elif k >= i:
            lo = i
        else:
            break
    return buf[k]


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _median_abs_dev(m, a, n, median, buf):
    for i in range(n):
        buf[i] = abs(m[a + i] - median)
    hi = _select(buf, n, n // 2)
    if n % 2 == 1:
        return hi
    # the largest of the lower half is the other middle order statistic
    lo = buf[0]
    for i in range(1, n // 2):
        lo = max(lo, buf[i])
    return 0.5 * (lo + hi)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel(m, err, ms, offsets, need_ad, out):
    sqrt2 = math.sqrt(2.0)
    longest = 0
    for s in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[s + 1] - offsets[s])
    scratch = np.empty(longest)
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
        out[s, 8] = _median_abs_dev(m, a, n, median, scratch)
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
            ad = 0.0
            for k in range(n):
                z = ((ms[a + k] - ref) - mean_rel) / std
                # one erfc per point; the complement is taken of the larger
                # of the two tails, which keeps both accurate
                if z < 0:
                    cdf = 0.5 * math.erfc(-z / sqrt2)
                    sf = 1.0 - cdf
                else:
                    sf = 0.5 * math.erfc(z / sqrt2)
                    cdf = 1.0 - sf
                ad += (2 * k + 1) * math.log(cdf) + (2 * (n - k) - 1) * math.log(sf)
            out[s, 18] = (1.0 + 4.0 / n - 25.0 / (n * n)) * (-n - ad / n)


def compute(batch, names=NAMES) -> dict[str, np.ndarray]:
    out = np.full((batch.n_segments, len(NAMES)), np.nan)
    need_ad = "anderson_darling" in names
    _kernel(batch.m, batch.err, batch.sorted_m, batch.offsets, need_ad, out)
    return dict(zip(NAMES, out.T))
