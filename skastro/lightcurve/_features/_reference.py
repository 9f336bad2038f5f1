"""Pure-numpy reference implementations of the feature kernels.

Written straight from the definitions in the registry, one light curve at a
time, for the parity tests of the compiled kernels (in the manner of
light-curve's parity between its Rust and Python implementations). Slow on
purpose: clarity over speed. Never used by :class:`LightCurveFeatures`.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from .families import folded, sampling, stats, variability

# what reference_features returns: every feature of these families
REFERENCE_NAMES = tuple(
    spec.name
    for family in (sampling.FAMILY, stats.FAMILY, variability.FAMILY)
    for spec in family.features
)


def _q(x, p):
    return np.percentile(x, 100 * p, method="hazen")


def reference_features(t, m, err=None) -> dict[str, float]:
    """Sampling, magnitude-distribution and variability features of one curve.

    ``t`` must be sorted. Undefined features are NaN.
    """
    t, m = np.asarray(t, float), np.asarray(m, float)
    err = np.ones_like(m) if err is None else np.asarray(err, float)
    n = m.size
    nan = np.nan
    out = dict.fromkeys(REFERENCE_NAMES, nan)
    out["n_obs"] = n
    if n == 0:
        return out
    w = 1 / err**2
    mean = m.mean()
    wmean = np.sum(w * m) / np.sum(w)
    med = np.median(m)
    out.update(
        duration=t[-1] - t[0],
        time_mean=t.mean(),
        mean=mean,
        weighted_mean=wmean,
        median=med,
        amplitude=(m.max() - m.min()) / 2,
        percent_amplitude=np.max(np.abs(m - med)),
        median_abs_dev=np.median(np.abs(m - med)),
        iqr=_q(m, 0.75) - _q(m, 0.25),
        median_buffer_range_percentage=np.mean(
            np.abs(m - med) < 0.1 * (m.max() - m.min()) / 2
        ),
    )
    span = _q(m, 0.95) - _q(m, 0.05)
    if span > 0:
        for mid in (20, 35, 50, 65, 80):
            lo = 0.5 - mid / 200
            out[f"flux_percentile_ratio_mid{mid}"] = (_q(m, 1 - lo) - _q(m, lo)) / span
    if med != 0:
        out["percent_difference_mag_percentile"] = span / med
    if n < 2:
        return out
    dt = np.diff(t)
    std = m.std(ddof=1)
    out.update(
        max_gap=dt.max(),
        min_gap=dt.min(),
        time_std=t.std(ddof=1),
        std=std,
        reduced_chi2=np.sum(((m - wmean) / err) ** 2) / (n - 1),
    )
    if mean != 0:
        out["excess_variance"] = (std**2 - np.mean(err**2)) / mean**2
        out["mean_variance"] = std / mean
    pos = dt > 0
    slopes = np.diff(m)[pos] / dt[pos]
    if slopes.size:
        out["max_slope"] = np.max(np.abs(slopes))
    chi2 = np.sum(((m - wmean) / err) ** 2)
    if chi2 > 0:
        out["stetson_k"] = np.sum(np.abs(m - wmean) / err) / np.sqrt(n * chi2)
    if std > 0:
        z = m - mean
        out["beyond_1std"] = np.mean(np.abs(z) > std)
        out["eta"] = np.sum(np.diff(m) ** 2) / ((n - 1) * std**2)
        if slopes.size:
            out["eta_e"] = (
                (t[-1] - t[0]) ** 2 / (n - 1) ** 3 * np.sum(slopes**2) / std**2
            )
        s = np.cumsum(z) / (n * std)
        out["cusum"] = s.max() - s.min()
        acf = np.array([np.sum(z[: n - k] * z[k:]) for k in range(n)]) / np.sum(z**2)
        below = np.flatnonzero(acf < np.exp(-1))
        out["autocor_length"] = below[0] if below.size else n
        if n >= 3:
            out["skew"] = n / ((n - 1) * (n - 2)) * np.sum(z**3) / std**3
        if n >= 4:
            out["kurtosis"] = n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(
                z**4
            ) / std**4 - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3))
            zs = (np.sort(m) - mean) / std
            cdf = 0.5 * erfc(-zs / np.sqrt(2))
            sf = 0.5 * erfc(zs / np.sqrt(2))
            i = np.arange(n)
            a2 = (
                -n
                - np.sum((2 * i + 1) * np.log(cdf) + (2 * (n - i) - 1) * np.log(sf)) / n
            )
            out["anderson_darling"] = (1 + 4 / n - 25 / n**2) * a2
    if n < 3:
        return out
    if std > 0:
        beyond = np.abs(m - mean) > 2 * std
        out["con"] = np.mean(beyond[:-2] & beyond[1:-1] & beyond[2:])
    else:
        out["con"] = 0.0
    x = t - t.mean()
    if np.sum(x**2) > 0:
        (slope, icpt), res = np.polyfit(x, m, 1, full=True)[:2]
        noise2 = np.sum((m - icpt - slope * x) ** 2) / (n - 2)
        out["linear_trend"] = slope
        out["linear_trend_sigma"] = np.sqrt(noise2 / np.sum(x**2))
        out["linear_trend_noise"] = np.sqrt(noise2)
        a = np.column_stack([np.ones(n), x]) * (1 / err)[:, None]
        coef, *_ = np.linalg.lstsq(a, m / err, rcond=None)
        cov = np.linalg.inv(a.T @ a)
        out["linear_fit_slope"] = coef[1]
        out["linear_fit_slope_sigma"] = np.sqrt(cov[1, 1])
        out["linear_fit_reduced_chi2"] = np.sum((a @ coef - m / err) ** 2) / (n - 2)
    return out


def reference_power(t, m, err, freqs) -> np.ndarray:
    """Generalised Lomb-Scargle power, floating mean, 1/err^2 weights.

    Solves the weighted least-squares fit of ``c + a sin + b cos`` at each
    frequency and returns ``(chi2_0 - chi2(f)) / chi2_0`` (astropy's
    "standard" normalisation).
    """
    t, m, err = (np.asarray(v, float) for v in (t, m, err))
    w = 1 / err**2
    wmean = np.sum(w * m) / np.sum(w)
    chi0 = np.sum(w * (m - wmean) ** 2)
    out = np.empty(len(freqs))
    sw = np.sqrt(w)
    for k, f in enumerate(freqs):
        x = 2 * np.pi * f * (t - t[0])
        a = np.column_stack([np.ones_like(t), np.sin(x), np.cos(x)]) * sw[:, None]
        coef, *_ = np.linalg.lstsq(a, m * sw, rcond=None)
        out[k] = 1 - np.sum((a @ coef - m * sw) ** 2) / chi0
    return out


def reference_fourier(t, m, err, period) -> dict[str, float]:
    """4-harmonic weighted fit at ``period`` and the folded psi features."""
    t, m, err = (np.asarray(v, float) for v in (t, m, err))
    x = 2 * np.pi * (t - t[0]) / period
    cols = [np.ones_like(t)]
    for k in range(1, 5):
        cols += [np.sin(k * x), np.cos(k * x)]
    sw = 1 / err
    coef, *_ = np.linalg.lstsq(np.column_stack(cols) * sw[:, None], m * sw, rcond=None)
    amp = np.hypot(coef[1::2], coef[2::2])
    phi = np.arctan2(coef[2::2], coef[1::2])
    phase = np.mod((t - t[0]) / (2 * period), 1.0)
    by_phase = m[np.argsort(phase, kind="mergesort")]
    n, std = m.size, m.std(ddof=1)
    s = np.cumsum(by_phase - m.mean()) / (n * std)
    out = dict.fromkeys(spec.name for spec in folded.FAMILY.features)
    out.update({f"fourier_amplitude_{k + 1}": amp[k] for k in range(4)})
    out.update(
        fourier_r21=amp[1] / amp[0],
        fourier_r31=amp[2] / amp[0],
        fourier_phi21=np.mod(phi[1] - 2 * phi[0], 2 * np.pi),
        fourier_phi31=np.mod(phi[2] - 3 * phi[0], 2 * np.pi),
        psi_cs=s.max() - s.min(),
        psi_eta=np.sum(np.diff(by_phase) ** 2) / ((n - 1) * std**2),
    )
    return out
