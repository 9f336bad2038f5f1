"""Synthetic data with known truth: multi-band light curves and image cutouts."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._variable_shapes import (
    SHAPES,
    SURVEY_CADENCES,
    SURVEY_EPOCHS,
    VARIABLE_CLASSES,
    survey_times,
)

#: The default classes (``classes`` may also name `VARIABLE_CLASSES`).
LIGHT_CURVE_CLASSES = ("periodic", "transient", "stochastic", "constant")
ALL_CLASSES = LIGHT_CURVE_CLASSES + VARIABLE_CLASSES
CADENCES = ("ztf", "uniform", "lsst") + SURVEY_CADENCES

#: Period range of the periodic class [days], drawn log-uniformly.
PERIOD_RANGE = (0.2, 20.0)


def _class_counts(n_samples, n_classes, weights, rng):
    if weights is None:
        weights = np.full(n_classes, 1.0 / n_classes)
    else:
        weights = np.asarray(weights, dtype=float)
        if weights.shape != (n_classes,):
            raise ValueError(
                f"weights has {weights.size} values, expected one per class "
                f"({n_classes})"
            )
        if (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() == 0:
            raise ValueError(
                f"weights must be finite, non-negative and not all zero, got "
                f"{weights.tolist()}"
            )
        weights = weights / weights.sum()
    counts = np.floor(weights * n_samples).astype(int)
    # hand out the remainder to the largest fractional parts (ties: first)
    rest = n_samples - counts.sum()
    order = np.argsort(-(weights * n_samples - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _sample_times(n, cadence, rng):
    """Observation times [days] for one object, sorted, and a band slot index."""
    if cadence == "uniform":
        baseline = 365.25
        return np.sort(rng.uniform(0.0, baseline, n))
    # survey-like: a 1-3 year baseline, one observing season per year
    baseline = rng.uniform(1.0, 3.0) * 365.25
    season = 240.0 if cadence == "ztf" else 180.0
    season_start = rng.uniform(0.0, 365.25 - season)
    nights = np.arange(np.floor(baseline))
    in_season = ((nights - season_start) % 365.25) < season
    nights = nights[in_season]
    if cadence == "ztf":
        # irregular nightly sampling: random nights, a random time in the night
        chosen = rng.choice(nights, size=n, replace=n > nights.size)
        t = chosen + rng.uniform(0.15, 0.45, n)
    else:
        # lsst: visits in pairs ~30 min apart on random nights
        n_pairs = (n + 1) // 2
        chosen = rng.choice(nights, size=n_pairs, replace=n_pairs > nights.size)
        first = chosen + rng.uniform(0.1, 0.4, n_pairs)
        t = np.concatenate([first, first + rng.uniform(0.015, 0.04, n_pairs)])[:n]
    return np.sort(t)


def _periodic(t, rng):
    period = np.exp(rng.uniform(*np.log(PERIOD_RANGE)))
    amp = rng.uniform(0.2, 1.0)
    phase = 2 * np.pi * (t / period) + rng.uniform(0, 2 * np.pi)
    # fundamental plus a weaker first harmonic (asymmetric, RR Lyrae-like)
    r2, phi2 = rng.uniform(0.0, 0.4), rng.uniform(0, 2 * np.pi)
    shape = np.sin(phase) + r2 * np.sin(2 * phase + phi2)
    return amp * shape / (1 + r2), period


def _transient(t, rng):
    t0 = rng.uniform(t.min(), t.max()) if t.size else 0.0
    trise, tfall = rng.uniform(2.0, 10.0), rng.uniform(15.0, 60.0)
    peak = rng.uniform(1.0, 4.0)  # magnitudes brighter than quiescence at peak
    x = t - t0
    bazin = np.exp(-x / tfall) / (1.0 + np.exp(-np.clip(x, -500, None) / trise))
    bazin = bazin / bazin.max() if bazin.max() > 0 else bazin
    return -2.5 * np.log10(1.0 + (10 ** (0.4 * peak) - 1.0) * bazin)


def _stochastic(t, rng):
    # damped random walk (Ornstein-Uhlenbeck), sampled exactly at the times
    tau = np.exp(rng.uniform(np.log(10.0), np.log(300.0)))
    sigma = rng.uniform(0.1, 0.4)
    x = np.empty(t.size)
    if t.size:
        x[0] = rng.normal(0.0, sigma)
        decay = np.exp(-np.diff(t) / tau)
        kicks = rng.normal(0.0, 1.0, t.size - 1) * sigma * np.sqrt(1 - decay**2)
        for i in range(1, t.size):
            x[i] = x[i - 1] * decay[i - 1] + kicks[i - 1]
    return x


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "classes": ["array-like"],
        "bands": ["array-like"],
        "cadence": [StrOptions(set(CADENCES))],
        "n_points": [Interval(Integral, 1, None, closed="left"), tuple, None],
        "noise": [Interval(Real, 0, None, closed="neither")],
        "weights": ["array-like", None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_light_curves(
    n_samples: int = 100,
    *,
    classes: tuple[str, ...] = LIGHT_CURVE_CLASSES,
    bands: tuple[str, ...] = ("g", "r"),
    cadence: str = "ztf",
    n_points: int | tuple[int, int] | None = None,
    noise: float = 0.02,
    weights=None,
    random_state=None,
) -> Bunch:
    """Generate irregular multi-band light curves of known classes.

    Four classes of variability by default, observed with a survey-like
    cadence and Gaussian photometric errors:

    - ``"periodic"``: a sinusoid with a weaker first harmonic, period drawn
      log-uniformly in [0.2, 20] days, amplitude 0.2-1 mag;
    - ``"transient"``: a Bazin-like rise (2-10 d) and fall (15-60 d), 1-4 mag
      above quiescence at peak, peak time inside the baseline;
    - ``"stochastic"``: a damped random walk, timescale 10-300 d, asymptotic
      rms 0.1-0.4 mag;
    - ``"constant"``: no variability, noise only.

    Three variable-star classes may be asked for by name, each with two
    subtypes (returned in ``subtypes``):

    - ``"rrlyrae"``: RRab (75 %, P 0.45-0.9 d, a sawtooth-like Fourier series
      with R21 0.40-0.55, R31 0.25-0.40, phi21 3.8-4.3, phi31 1.8-2.4 [3]_
      [4]_, V amplitude 0.5-1.2 mag) or RRc (P 0.25-0.45 d, near-sinusoidal,
      R21 < 0.2, 0.3-0.6 mag); amplitudes fall to the red (g 1 : r 0.75 : i
      0.6 : z 0.55 of V, close to the Stripe 82 RR Lyrae [5]_);
    - ``"eclipsing"``: detached binaries (P 0.5-10 d, two narrow eclipses at
      phases 0 and 0.5, the secondary 10-70 % as deep) or contact W UMa
      binaries (P 0.25-0.7 d, continuous light variation with nearly equal
      minima); the true period is the **orbital** one, twice the period a
      Lomb-Scargle periodogram usually finds;
    - ``"multiperiodic"``: double-mode RR Lyrae (first overtone dominant, the
      fundamental at a period ratio 0.742-0.748) or delta Scuti stars (2-3
      radial modes between 0.03 and 0.25 d); the true period is the dominant
      mode's, the others are in ``secondary_periods``.

    Each object has a base magnitude in [16, 20] (in the first band) and a
    colour offset per other band. For the default classes the variability is
    the same in every band, its amplitude scaled by 0.8-1.2 per band; the
    variable-star classes scale it per band as described above.

    Parameters
    ----------
    n_samples : int, default=100
        Number of light curves.
    classes : sequence of str, default=("periodic", "transient", "stochastic", \
"constant")
        Classes to draw, distinct names among those seven; ``target`` codes
        index it.
    bands : sequence of str, default=("g", "r")
        Band names. With the ``"ztf"``, ``"lsst"`` and ``"uniform"`` cadences
        each observation is taken in one band chosen at random; its code
        (position in ``bands``) is the 4th column of ``data``.
    cadence : {"ztf", "uniform", "lsst", "dense", "sparse"}, default="ztf"
        ``"ztf"``: irregular nightly sampling over a 1-3 year baseline with
        an 8-month observing season per year (seasonal gaps); ``"lsst"``:
        pairs of visits ~30 min apart on random nights, 6-month seasons over
        1-3 years; ``"uniform"``: times uniform at random over one year.
        Two multi-band survey cadences count epochs per band instead:
        ``"dense"`` (SDSS Stripe 82-like): one visit per night, on distinct
        nights of a 90-120 night season each year over 8-10 years, every
        band observed at every visit (72 s apart); ``"sparse"`` (LSST or ZTF
        alert stream-like): one band per night, the same number of nights
        per band, over 1-3 years with 6-8 month seasons.
    n_points : int, (int, int) or None, default=None
        Points per light curve (``"ztf"``, ``"lsst"``, ``"uniform"``) or
        epochs per band (``"dense"``, ``"sparse"``), or the inclusive range
        each object's count is drawn from uniformly. ``None`` means (20, 200)
        points, (45, 55) epochs per band for ``"dense"`` and (8, 12) for
        ``"sparse"``.
    noise : float, default=0.02
        Photometric error [mag] at magnitude 18; errors scale as
        ``noise * 10 ** (0.2 * (mag - 18))`` (clipped to [noise / 2, 1]) and
        each magnitude is perturbed by a Gaussian of that width.
    weights : array-like of shape (n_classes,), default=None
        Class proportions (normalised to sum to one), for class imbalance;
        ``None`` means balanced. Counts are exact up to rounding.
    random_state : int, RandomState instance or None, default=None
        Seed, for reproducible output.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data``: list of ``n_samples`` float64 arrays (n_i, 4) with columns
        (time [days], mag, err [mag], band code), sorted by time;
        ``target`` (n_samples,) int codes into ``target_names`` (=
        ``classes``); ``periods`` (n_samples,) the true period in days (the
        orbital period of a binary, the dominant mode of a multi-periodic
        star; NaN for non-periodic objects); ``secondary_periods``
        (n_samples, 2) the other modes of multi-periodic stars by decreasing
        amplitude (NaN elsewhere); ``subtypes`` (n_samples,) str: "RRab",
        "RRc", "detached", "contact", "RRd", "dSct", or the class name for
        the classes without subtypes; ``bands``; ``feature_names`` =
        ['time', 'mag', 'err', 'band'].

    See Also
    --------
    fetch_asas_lightcurves : Real variable-star light curves.
    fetch_ztf_sne : Real ZTF supernova light curves.

    References
    ----------
    .. [1] Bazin et al. 2009, "The core-collapse rate from the Supernova
       Legacy Survey", A&A 499, 653 (the transient shape).
    .. [2] Kelly, Bechtold & Siemiginowska 2009, "Are the Variations in
       Quasar Optical Flux Driven by Thermal Fluctuations?", ApJ 698, 895
       (the damped random walk).
    .. [3] Simon & Lee 1981, "The light curves of RR Lyrae field stars",
       ApJ 248, 291 (Fourier parameters R21, phi21).
    .. [4] Kovacs & Kupi 2007, "Template light curves of RRab stars", A&A
       462, 1007.
    .. [5] Sesar et al. 2010, "Light Curve Templates and Galactic
       Distribution of RR Lyrae Stars from Sloan Digital Sky Survey Stripe
       82", ApJ 708, 717.

    Examples
    --------
    >>> from skastro.datasets import make_light_curves
    >>> lcs = make_light_curves(8, n_points=(30, 50), random_state=0)
    >>> len(lcs.data), lcs.data[0].shape[1]
    (8, 4)
    >>> lcs.target_names[lcs.target].tolist()[:4]
    ['constant', 'transient', 'periodic', 'constant']

    RR Lyrae stars in ugriz with sparse, one-band-per-night sampling:

    >>> import numpy as np
    >>> rr = make_light_curves(
    ...     3, classes=("rrlyrae",), bands=tuple("ugriz"), cadence="sparse",
    ...     n_points=10, random_state=0,
    ... )
    >>> np.bincount(rr.data[0][:, 3].astype(int)).tolist()
    [10, 10, 10, 10, 10]
    >>> bool(np.all((rr.periods > 0.25) & (rr.periods < 0.9)))
    True
    """
    classes = [str(c) for c in np.atleast_1d(np.asarray(classes, dtype=object))]
    bands = [str(b) for b in np.atleast_1d(np.asarray(bands, dtype=object))]
    unknown = [c for c in classes if c not in ALL_CLASSES]
    if unknown or not classes or len(set(classes)) != len(classes):
        raise ValueError(
            f"classes must be distinct names among {list(ALL_CLASSES)}, got {classes}"
        )
    if not bands or len(set(bands)) != len(bands):
        raise ValueError(f"bands must be distinct band names, got {bands}")
    low, high = _point_range(n_points, cadence)
    rng = check_random_state(random_state)
    counts = _class_counts(n_samples, len(classes), weights, rng)
    target = rng.permutation(np.repeat(np.arange(len(classes)), counts))
    periods = np.full(n_samples, np.nan)
    secondary = np.full((n_samples, 2), np.nan)
    subtypes = np.array(classes, dtype=object)[target]
    data = []
    for i, code in enumerate(target):
        kind = classes[code]
        n = int(rng.randint(low, high + 1))
        if cadence in SURVEY_CADENCES:
            t, band = survey_times(n, len(bands), cadence, rng)
            n = t.size
        else:
            t = _sample_times(n, cadence, rng)
            band = rng.randint(0, len(bands), n)
        if kind in SHAPES:
            signal, periods[i], secondary[i], subtypes[i] = SHAPES[kind](
                t, band, bands, rng
            )
        elif kind == "periodic":
            signal, periods[i] = _periodic(t, rng)
        elif kind == "transient":
            signal = _transient(t, rng)
        elif kind == "stochastic":
            signal = _stochastic(t, rng)
        else:
            signal = np.zeros(n)
        base = rng.uniform(16.0, 20.0)
        colour = np.concatenate([[0.0], rng.uniform(-0.3, 1.0, len(bands) - 1)])
        scale = np.concatenate([[1.0], rng.uniform(0.8, 1.2, len(bands) - 1)])
        if kind in SHAPES:  # the shape already holds its per-band amplitudes
            scale = np.ones(len(bands))
        true = base + colour[band] + scale[band] * signal
        err = np.clip(noise * 10 ** (0.2 * (true - 18.0)), noise / 2, 1.0)
        mag = true + rng.normal(0.0, 1.0, n) * err
        data.append(np.column_stack([t, mag, err, band.astype(np.float64)]))
    return Bunch(
        data=data,
        target=target,
        periods=periods,
        secondary_periods=secondary,
        subtypes=subtypes.astype(str),
        target_names=np.array(classes),
        bands=bands,
        feature_names=["time", "mag", "err", "band"],
    )


def _point_range(n_points, cadence):
    """(low, high) of the point count (or epochs per band), validated."""
    if n_points is None:
        return SURVEY_EPOCHS.get(cadence, (20, 200))
    if isinstance(n_points, tuple):
        ok = (
            len(n_points) == 2
            and all(isinstance(v, Integral) for v in n_points)
            and 1 <= n_points[0] <= n_points[1]
        )
        if not ok:
            raise ValueError(
                f"n_points must be an int >= 1 or a (low, high) pair of ints with "
                f"1 <= low <= high, got {n_points!r}"
            )
        return n_points
    return int(n_points), int(n_points)


def _psf(size, x0, y0, fwhm):
    sigma = fwhm / 2.3548
    yy, xx = np.mgrid[0:size, 0:size]
    g = np.exp(-((xx - x0) ** 2 + (yy - y0) ** 2) / (2 * sigma**2))
    return g / g.sum()


BOGUS_KINDS = ("cosmic_ray", "dipole", "bad_column")


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "size": [Interval(Integral, 5, None, closed="left")],
        "channels": [Interval(Integral, 1, None, closed="left")],
        "real_fraction": [Interval(Real, 0, 1, closed="both")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_cutouts(
    n_samples: int = 100,
    *,
    size: int = 63,
    channels: int = 3,
    real_fraction: float = 0.5,
    random_state=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Generate real/bogus image cutouts: point sources vs artefacts.

    A *real* cutout holds a new point source (a Gaussian PSF, FWHM 2-4
    pixels, signal-to-noise 8-60) within 2 pixels of the centre. A *bogus*
    cutout holds one artefact, chosen at random: a cosmic-ray hit (a few
    sharp, unconvolved hot pixels or a short streak), a dipole left by a
    misaligned subtraction (a star shifted by 1-3 pixels between science and
    reference, so a positive and a negative PSF in the difference),
    or a bad column (a bright line across the cutout). Both have a smooth
    background plus unit-variance Gaussian noise, so pixel values are in
    units of the noise.

    With ``channels=3`` the channels follow the ZTF alert triplet: science,
    reference (no new source), difference (science - reference); with another
    number each channel is an independent noisy exposure of the same scene.

    Parameters
    ----------
    n_samples : int, default=100
        Number of cutouts.
    size : int, default=63
        Side of the square cutouts in pixels (ZTF alert stamps are 63).
    channels : int, default=3
        Number of channels (see above).
    real_fraction : float, default=0.5
        Fraction of real cutouts; the count is ``round(real_fraction *
        n_samples)``.
    random_state : int, RandomState instance or None, default=None
        Seed, for reproducible output.

    Returns
    -------
    X : ndarray of shape (n_samples, size, size, channels), float32
        The cutouts, channels last.
    y : ndarray of shape (n_samples,), int
        1 = real, 0 = bogus.

    See Also
    --------
    fetch_frdeep : Real radio-galaxy images.
    fetch_ztf_realbogus : Real ZTF real/bogus labels (on features).

    Examples
    --------
    >>> from skastro.datasets import make_cutouts
    >>> X, y = make_cutouts(6, size=21, random_state=0)
    >>> X.shape, X.dtype, int(y.sum())
    ((6, 21, 21, 3), dtype('float32'), 3)
    """
    rng = check_random_state(random_state)
    n_real = int(round(real_fraction * n_samples))
    y = rng.permutation(np.r_[np.ones(n_real, int), np.zeros(n_samples - n_real, int)])
    X = np.empty((n_samples, size, size, channels), dtype=np.float32)
    c = (size - 1) / 2.0
    yy, xx = np.mgrid[0:size, 0:size]
    for i in range(n_samples):
        # a faint, smooth host/background gradient present in every exposure
        gx, gy = rng.normal(0, 0.02, 2)
        sky = rng.uniform(0.0, 2.0) + gx * (xx - c) + gy * (yy - c)
        new = np.zeros((size, size))  # only in the science exposure
        old = np.zeros((size, size))  # only in the reference exposure
        if y[i] == 1:
            x0, y0 = c + rng.uniform(-2, 2, 2)
            fwhm = rng.uniform(2.0, 4.0)
            snr = rng.uniform(8.0, 60.0)
            # flux giving that S/N in a matched filter with unit noise
            p = _psf(size, x0, y0, fwhm)
            new = snr / np.sqrt((p**2).sum()) * p
        else:
            kind = BOGUS_KINDS[rng.randint(len(BOGUS_KINDS))]
            if kind == "cosmic_ray":
                n_hit = rng.randint(1, 6)
                x0, y0 = (c + rng.uniform(-3, 3, 2)).astype(int)
                dx, dy = rng.randint(-1, 2, 2)
                for k in range(n_hit):
                    xi = int(np.clip(x0 + k * dx, 0, size - 1))
                    yi = int(np.clip(y0 + k * dy, 0, size - 1))
                    new[yi, xi] += rng.uniform(15.0, 80.0)
            elif kind == "dipole":
                # a static star, misaligned between science and reference
                x0, y0 = c + rng.uniform(-2, 2, 2)
                fwhm = rng.uniform(2.0, 4.0)
                ang = rng.uniform(0, 2 * np.pi)
                sep = rng.uniform(1.0, 3.0)
                dx, dy = sep * np.cos(ang) / 2, sep * np.sin(ang) / 2
                p_sci = _psf(size, x0 + dx, y0 + dy, fwhm)
                p_ref = _psf(size, x0 - dx, y0 - dy, fwhm)
                flux = rng.uniform(10.0, 60.0) / np.sqrt((p_sci**2).sum())
                new, old = flux * p_sci, flux * p_ref
            else:
                col = int(np.clip(round(c + rng.uniform(-4, 4)), 0, size - 1))
                new[:, col] += rng.uniform(5.0, 30.0)
        if channels == 3:
            ref = sky + old + rng.normal(0, 1, (size, size))
            sci = sky + new + rng.normal(0, 1, (size, size))
            X[i] = np.stack([sci, ref, sci - ref], axis=-1)
        else:
            for ch in range(channels):
                X[i, :, :, ch] = sky + new - old + rng.normal(0, 1, (size, size))
    return X, y
