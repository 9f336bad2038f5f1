"""Folded light curves and periodograms."""

from __future__ import annotations

from numbers import Real

import numpy as np

from ._axes import axes_or_new


def _columns(light_curve):
    """(time in days, mag, err or None, band or None) of one light curve."""
    from skastro.lightcurve._objects import BadLightCurve, read_object

    try:
        return read_object(light_curve, 0)
    except BadLightCurve as exc:
        raise ValueError(f"the light curve {exc.reason}.") from None


def plot_folded(
    light_curve,
    period: float,
    *,
    epoch: float | None = None,
    cycles: int = 2,
    magnitudes: bool = True,
    ax=None,
):
    """Plot a light curve folded at ``period``, one colour per band.

    Parameters
    ----------
    light_curve : dict, DataFrame, array of shape (n_points, 2|3|4) or tuple
        One light curve in any form
        :class:`~skastro.lightcurve.LightCurveFeatures` reads: an item of a
        :class:`~skastro.lightcurve.LightCurveSequence` (a dict with
        ``time``, ``mag`` and optionally ``err`` and ``band``), a table with
        such columns, or the columns ``(time, mag[, err[, band]])``; times
        may be datetimes or astropy ``Time`` (read as MJD days).
    period : float
        The folding period, in the unit of the times (e.g. ``period_0`` of
        :class:`~skastro.lightcurve.LightCurveFeatures`).
    epoch : float, default=None
        Time of phase 0; ``None`` puts the brightest point (the smallest
        magnitude, or the largest flux) at phase 0.
    cycles : int, default=2
        Number of cycles drawn side by side (phase 0 to ``cycles``).
    magnitudes : bool, default=True
        Whether ``mag`` holds magnitudes (the y axis points down, brighter
        up); ``False`` for fluxes.
    ax : matplotlib Axes, default=None
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        One error-bar container per band (``ax.containers``), whose data are
        the phases and magnitudes drawn.

    Raises
    ------
    ValueError
        If ``period`` is not a positive finite number or ``cycles < 1``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skastro.plotting import plot_folded
    >>> t = np.linspace(0, 10, 50)
    >>> ax = plot_folded((t, 15 + 0.2 * np.sin(2 * np.pi * t / 0.7)), 0.7)
    >>> ax.get_xlabel()
    'phase'
    """
    if not isinstance(period, Real) or not np.isfinite(period) or period <= 0:
        raise ValueError(f"period={period!r}; expected a positive finite number.")
    if int(cycles) != cycles or cycles < 1:
        raise ValueError(f"cycles={cycles!r}; expected an integer >= 1.")
    time, mag, err, band = _columns(light_curve)
    keep = np.isfinite(time) & np.isfinite(mag)
    if epoch is None:
        bright = np.nanargmin(mag) if magnitudes else np.nanargmax(mag)
        epoch = time[bright]
    phase = np.mod((time - epoch) / period, 1.0)
    bands = np.zeros(len(time), dtype=int) if band is None else np.asarray(band)
    ax = axes_or_new(ax)
    for b in _band_order(bands[keep]):
        sel = keep & (bands == b)
        x = np.concatenate([phase[sel] + k for k in range(int(cycles))])
        y = np.tile(mag[sel], int(cycles))
        e = None if err is None else np.tile(np.asarray(err, float)[sel], int(cycles))
        label = None if band is None else str(b)
        ax.errorbar(x, y, yerr=e, fmt=".", ms=4, elinewidth=0.5, label=label)
    ax.set_xlabel("phase")
    ax.set_ylabel("magnitude" if magnitudes else "flux")
    ax.set_title(f"P = {period:.6g}")
    if magnitudes and not ax.yaxis_inverted():
        ax.invert_yaxis()
    if band is not None:
        ax.legend(title="band")
    return ax


def _band_order(bands: np.ndarray) -> list:
    seen = dict.fromkeys(bands.tolist())
    return list(seen)


def plot_periodogram(
    frequency,
    power=None,
    *,
    periods: bool = True,
    mark=None,
    ax=None,
):
    """Plot a periodogram, against period (log scale) or frequency.

    Parameters
    ----------
    frequency : array-like of shape (n_frequencies,) or periodogram object
        The frequencies (cycles per unit time), or an object with
        ``frequency`` and ``power`` attributes (as returned by skastro's
        periodogram function), whose power is used when ``power`` is None.
    power : array-like of shape (n_frequencies,), dict or None, default=None
        The power; a dict ``{label: power}`` draws one line per entry (per
        band and multi-band).
    periods : bool, default=True
        Whether the x axis shows the period ``1 / frequency`` (log scale)
        instead of the frequency.
    mark : float or sequence of float, default=None
        Periods to mark with vertical dashed lines (e.g. ``period_0``).
    ax : matplotlib Axes, default=None
        Axes to draw on; ``None`` makes a new figure.

    Returns
    -------
    ax : matplotlib Axes
        One line per power curve (``ax.lines``), whose data are the
        periods (or frequencies) and powers drawn, then one per mark.

    Raises
    ------
    ValueError
        If the power's length differs from the frequencies', or a frequency
        is not positive.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skastro.plotting import plot_periodogram
    >>> f = np.linspace(0.1, 5, 200)
    >>> ax = plot_periodogram(f, np.exp(-((f - 2) ** 2) / 0.01), mark=0.5)
    >>> ax.get_xscale()
    'log'
    """
    if power is None:
        if not hasattr(frequency, "power"):
            raise ValueError(
                "power=None needs a periodogram object with frequency and power "
                f"attributes; got {type(frequency).__name__}."
            )
        frequency, power = frequency.frequency, frequency.power
    frequency = np.asarray(frequency, dtype=float)
    if np.any(~(frequency > 0)):
        bad = frequency[~(frequency > 0)][0]
        raise ValueError(f"frequency holds {bad!r}; expected positive frequencies.")
    curves = power if isinstance(power, dict) else {None: power}
    x = 1.0 / frequency if periods else frequency
    ax = axes_or_new(ax)
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.shape != frequency.shape:
            raise ValueError(
                f"power{'' if label is None else f'[{label!r}]'} has shape "
                f"{values.shape}; expected {frequency.shape}, one per frequency."
            )
        ax.plot(x, values, lw=0.8, label=None if label is None else str(label))
    for p in np.atleast_1d([] if mark is None else mark).astype(float):
        ax.axvline(p if periods else 1.0 / p, ls="--", lw=0.8, color="k")
    if periods:
        ax.set_xscale("log")
    ax.set_xlabel("period" if periods else "frequency")
    ax.set_ylabel("power")
    if any(label is not None for label in curves):
        ax.legend()
    return ax
