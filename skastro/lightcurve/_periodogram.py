"""One object's periodogram, on the grid the features use."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._grid_cap import cap_grids
from ._objects import seen_bands
from ._packing import pack_sequence


@dataclass
class Periodogram:
    """Generalised Lomb-Scargle power of one light curve.

    Attributes
    ----------
    frequency : ndarray of shape (n_frequencies,)
        The grid ``k / (oversampling * span)`` in cycles per day, as
        :class:`LightCurveFeatures` searches it.
    power : dict
        Band label -> power on the grid (astropy's ``"standard"``
        normalisation, in [0, 1]; floating mean, ``1 / err^2`` weights);
        with several bands also ``"multiband"``: the multi-band power
        ``sum_b (chi2_0,b - chi2_b(f)) / sum_b chi2_0,b``.
    """

    frequency: np.ndarray
    power: dict

    @property
    def period(self) -> np.ndarray:
        """``1 / frequency``, in days."""
        return 1.0 / self.frequency


def _band_power(t, y, w, frequency, chunk=2048):
    """Floating-mean weighted power and chi2_0 of one band (direct sums)."""
    w = w / w.sum()
    y = y - np.dot(w, y)
    yy = np.dot(w, y * y)
    power = np.zeros(frequency.shape[0])
    if not yy > 0:
        return power, 0.0
    for lo in range(0, frequency.shape[0], chunk):
        arg = 2 * np.pi * np.outer(frequency[lo : lo + chunk], t)
        cos, sin = np.cos(arg), np.sin(arg)
        c, s = cos @ w, sin @ w
        yc, ys = cos @ (w * y), sin @ (w * y)
        cc = (cos * cos) @ w - c * c
        ss = (sin * sin) @ w - s * s
        cs = (cos * sin) @ w - c * s
        d = cc * ss - cs * cs
        with np.errstate(invalid="ignore", divide="ignore"):
            p = (ss * yc * yc + cc * ys * ys - 2 * cs * yc * ys) / (yy * d)
        power[lo : lo + chunk] = np.where(d > 0, p, 0.0)
    return power, yy


def periodogram(
    light_curve,
    *,
    min_period: float = 0.1,
    max_period: float | None = None,
    oversampling: float = 5.0,
    time_unit: str = "d",
    max_frequencies: int = 1_000_000,
) -> Periodogram:
    """The periodogram of one light curve, per band and multi-band.

    Evaluated exactly (direct sums) on the frequency grid that
    :class:`LightCurveFeatures` searches with the same parameters, so its
    peaks are the ``period_*`` features (before their parabolic refinement).
    :meth:`LightCurveFeatures.periodogram` calls it with the transformer's
    parameters.

    Parameters
    ----------
    light_curve : array, tuple, dict or DataFrame
        One light curve in any form :class:`LightCurveFeatures` reads
        (``(n_points, 2|3|4)`` array, ``(t, m[, err[, band]])`` columns, an
        item of a :class:`LightCurveSequence`, a table with ``time``,
        ``mag``, ``err``, ``band`` columns).
    min_period, max_period, oversampling, time_unit, max_frequencies
        As in :class:`LightCurveFeatures`.

    Returns
    -------
    Periodogram
        ``frequency`` (cycles per day), ``power`` per band (and
        ``"multiband"``), ``period``.

    Raises
    ------
    ValueError
        For a malformed light curve, one with fewer than 3 points or no time
        span, or one whose grid would exceed ``max_frequencies``.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.lightcurve import periodogram
    >>> t = np.sort(np.random.RandomState(0).uniform(0, 30, 80))
    >>> result = periodogram((t, np.sin(2 * np.pi * t / 0.7)), min_period=0.5)
    >>> float(result.period[np.argmax(result.power[0])]).__round__(2)
    0.7
    """
    bands = seen_bands([light_curve]) or [0]
    packed = pack_sequence([light_curve], np.asarray(bands), time_unit=time_unit)
    grid = dict(min_period=min_period, max_period=max_period, oversampling=oversampling)
    cap_grids(packed, max_frequencies=max_frequencies, errors="raise", **grid)
    t, m, err, band = packed.t, packed.m, packed.err, packed.band
    span = float(t.max() - t.min()) if t.size else 0.0
    if t.size < 3 or not span > 0:
        raise ValueError(
            f"the light curve has {t.size} finite point(s) over a span of {span} "
            "days; expected at least 3 points at different times."
        )
    df = 1.0 / (oversampling * span)
    fmin = df if max_period is None else 1.0 / max_period
    k0 = max(1, math.ceil(fmin / df - 1e-9))
    k1 = math.floor(1.0 / (min_period * df) + 1e-9)
    frequency = df * np.arange(k0, k1 + 1)
    t = t - t.min()
    power, chi0 = {}, {}
    for b, label in enumerate(packed.bands.tolist()):
        sel = band == b
        w = 1.0 / err[sel] ** 2
        power[label], yy = _band_power(t[sel], m[sel], w, frequency)
        chi0[label] = yy * w.sum()
    if len(power) > 1:
        total = sum(chi0.values())
        power["multiband"] = sum(chi0[b] * power[b] for b in chi0) / total
    return Periodogram(frequency, power)
