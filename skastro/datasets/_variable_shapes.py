"""Variable-star shapes and survey cadences for :func:`make_light_curves`.

Each shape function takes the observation times, the band code of each
observation, the band names and a random state, and returns the signal in
magnitudes (already scaled per band), the true period, the secondary periods
(NaN-padded, two slots) and the subtype name.
"""

from __future__ import annotations

import numpy as np

#: Classes drawn by the shape functions of this module.
VARIABLE_CLASSES = ("rrlyrae", "eclipsing", "multiperiodic")
#: Cadences where every band's epochs are drawn together (see `survey_times`).
SURVEY_CADENCES = ("dense", "sparse")
#: Default epochs per band of the survey cadences, drawn uniformly inclusive.
SURVEY_EPOCHS = {"dense": (45, 55), "sparse": (8, 12)}

#: Pulsation amplitude per band relative to V. RR Lyrae amplitudes fall to
#: the red: A_B / A_V ~ 1.25, A_g ~ A_V and A_r / A_g ~ 0.75 with i and z
#: lower still, close to the ratios of the Stripe 82 RR Lyrae of Sesar et al.
#: (2010); names not listed here get 1.
PULSATION_AMPLITUDE = {
    "u": 1.0,
    "B": 1.25,
    "g": 1.0,
    "V": 1.0,
    "r": 0.75,
    "R": 0.8,
    "i": 0.6,
    "I": 0.6,
    "z": 0.55,
    "y": 0.5,
    "J": 0.35,
    "H": 0.3,
    "K": 0.3,
}

_GRID = np.linspace(0.0, 1.0, 512, endpoint=False)


def pulsation_ratios(bands) -> np.ndarray:
    """Amplitude factor of each band (relative to V) for pulsating stars."""
    return np.array([PULSATION_AMPLITUDE.get(b, 1.0) for b in bands])


def _fourier(phase, ratios, phis):
    """Cosine series ``cos(2 pi x) + sum_k R_k1 cos(2 pi k x + phi_k1)``.

    The phase differences follow Simon & Lee (1981), ``phi_k1 = phi_k - k
    phi_1``, with ``phi_1 = 0`` (the epoch carries the phase); the result is
    scaled to unit peak-to-peak amplitude, its mean over a cycle zero.
    """

    def series(x):
        out = np.cos(2 * np.pi * x)
        for k, (r, phi) in enumerate(zip(ratios, phis), start=2):
            out = out + r * np.cos(2 * np.pi * k * x + phi)
        return out

    return series(phase) / np.ptp(series(_GRID))


def _phase(t, period, rng):
    return (t / period + rng.uniform(0.0, 1.0)) % 1.0


def rrlyrae(t, band, bands, rng):
    """An RRab (75 %) or RRc (25 %) light curve from a Fourier series.

    RRab: P 0.45-0.9 d, V amplitude 0.5-1.2 mag, R21 0.40-0.55, R31
    0.25-0.40, phi21 3.8-4.3 rad, phi31 1.8-2.4 rad (cosine series; the
    RRab locus of Simon & Lee 1981 and Kovacs & Kupi 2007), with R41
    0.12-0.22 and R51 0.06-0.14 at phi41 ~ phi21 + phi31, phi51 ~ 2 phi31
    (the phases of a sawtooth advance about linearly with the order).
    RRc: P 0.25-0.45 d, V amplitude 0.3-0.6 mag, near-sinusoidal (R21
    0.05-0.20, R31 0.02-0.10, phases uniform).
    """
    if rng.uniform() < 0.75:
        period = rng.uniform(0.45, 0.9)
        amp = rng.uniform(0.5, 1.2)
        phi21, phi31 = rng.uniform(3.8, 4.3), rng.uniform(1.8, 2.4)
        ratios = [
            rng.uniform(0.40, 0.55),
            rng.uniform(0.25, 0.40),
            rng.uniform(0.12, 0.22),
            rng.uniform(0.06, 0.14),
        ]
        jitter = rng.normal(0.0, 0.15, 2)
        phis = [phi21, phi31, phi21 + phi31 + jitter[0], 2 * phi31 + jitter[1]]
        subtype = "RRab"
    else:
        period = rng.uniform(0.25, 0.45)
        amp = rng.uniform(0.3, 0.6)
        ratios = [rng.uniform(0.05, 0.20), rng.uniform(0.02, 0.10)]
        phis = rng.uniform(0.0, 2 * np.pi, 2)
        subtype = "RRc"
    shape = _fourier(_phase(t, period, rng), ratios, phis)
    signal = amp * pulsation_ratios(bands)[band] * shape
    return signal, period, np.full(2, np.nan), subtype


def eclipse_profile(phase, depth1, depth2, half_width, ellipsoidal):
    """Detached binary: eclipses at phases 0 and 0.5 plus ellipsoidal light.

    Each eclipse dims by ``depth * (1 - (dphase / half_width) ** 2)`` inside
    ``|dphase| < half_width``; the ellipsoidal term ``ellipsoidal * (1 + cos
    4 pi phase) / 2`` is faintest at the conjunctions too.
    """
    out = ellipsoidal * (1 + np.cos(4 * np.pi * phase)) / 2
    for centre, depth in ((0.0, depth1), (0.5, depth2)):
        d = (phase - centre + 0.5) % 1.0 - 0.5
        out = out + depth * np.clip(1 - (d / half_width) ** 2, 0.0, None)
    return out


def contact_profile(phase, amp, unequal, sharpness):
    """W UMa binary: ``cos 4 pi x + sharpness cos 8 pi x`` (minima sharper than
    maxima) plus ``unequal cos 2 pi x`` (primary minimum at phase 0 the
    deeper), scaled to peak-to-peak ``amp`` with the mean light at zero.
    """

    def series(x):
        y = 4 * np.pi * x
        return np.cos(y) + sharpness * np.cos(2 * y) + unequal * np.cos(y / 2)

    return amp * (series(phase) - series(_GRID).mean()) / np.ptp(series(_GRID))


def eclipsing(t, band, bands, rng):
    """A detached (50 %) or contact (50 %) eclipsing binary.

    The period returned is the orbital one, primary minimum at phase 0 and
    secondary at 0.5 (circular orbits). Detached: P 0.5-10 d log-uniform,
    primary depth 0.3-1.0 mag, secondary 10-70 % of it, eclipse half-width
    0.025-0.07 in phase, ellipsoidal light 0-0.03 mag. Contact (W UMa): P
    0.25-0.7 d log-uniform, amplitude 0.2-0.8 mag, minima within 0-8 % of
    the amplitude of each other. Depths vary by 0.85-1.15 per band.
    """
    nb = len(bands)
    if rng.uniform() < 0.5:
        period = np.exp(rng.uniform(np.log(0.5), np.log(10.0)))
        depth1 = rng.uniform(0.3, 1.0) * rng.uniform(0.85, 1.15, nb)
        depth2 = depth1 * rng.uniform(0.1, 0.7) * rng.uniform(0.85, 1.15, nb)
        half_width, ell = rng.uniform(0.025, 0.07), rng.uniform(0.0, 0.03)
        phase = (t / period + rng.uniform(0.0, 1.0)) % 1.0
        signal = np.empty(t.size)
        for b in range(nb):
            sel = band == b
            signal[sel] = eclipse_profile(
                phase[sel], depth1[b], depth2[b], half_width, ell
            )
        subtype = "detached"
    else:
        period = np.exp(rng.uniform(np.log(0.25), np.log(0.7)))
        amp = rng.uniform(0.2, 0.8)
        unequal, sharp = rng.uniform(0.0, 0.04), rng.uniform(0.0, 0.15)
        phase = (t / period + rng.uniform(0.0, 1.0)) % 1.0
        signal = contact_profile(phase, amp, unequal, sharp)
        signal = signal * rng.uniform(0.85, 1.15, nb)[band]
        subtype = "contact"
    return signal, period, np.full(2, np.nan), subtype


def multiperiodic(t, band, bands, rng):
    """A double-mode RR Lyrae (50 %) or a delta Scuti star (50 %).

    RRd: fundamental 0.46-0.56 d and first overtone at a ratio 0.742-0.748
    (the RRd period ratio ~0.745); the overtone dominates (V amplitude
    0.2-0.45 mag, the fundamental 30-90 % of it). Delta Scuti: fundamental
    0.05-0.25 d (log-uniform, V amplitude 0.1-0.4 mag, R21 0.1-0.3), first
    overtone at a ratio 0.756-0.787 (20-70 % of its amplitude) and, for
    half of them, a second overtone at 0.611-0.632 (10-40 %). Each mode has
    its own random phase; the true period is the dominant mode's, the
    others are returned as secondary periods by decreasing amplitude.
    """
    if rng.uniform() < 0.5:
        fundamental = rng.uniform(0.46, 0.56)
        periods = [fundamental * rng.uniform(0.742, 0.748), fundamental]
        amp = rng.uniform(0.2, 0.45)
        amps = [amp, amp * rng.uniform(0.3, 0.9)]
        harmonics = [rng.uniform(0.0, 0.15), rng.uniform(0.1, 0.4)]
        subtype = "RRd"
    else:
        fundamental = np.exp(rng.uniform(np.log(0.05), np.log(0.25)))
        periods = [fundamental, fundamental * rng.uniform(0.756, 0.787)]
        amp = rng.uniform(0.1, 0.4)
        amps = [amp, amp * rng.uniform(0.2, 0.7)]
        harmonics = [rng.uniform(0.1, 0.3), 0.0]
        if rng.uniform() < 0.5:
            periods.append(fundamental * rng.uniform(0.611, 0.632))
            amps.append(amp * rng.uniform(0.1, 0.4))
            harmonics.append(0.0)
        subtype = "dSct"
    shape = np.zeros(t.size)
    for p, a, r21 in zip(periods, amps, harmonics):
        phi21 = rng.uniform(0.0, 2 * np.pi)
        shape = shape + a * _fourier(_phase(t, p, rng), [r21], [phi21])
    secondary = np.full(2, np.nan)
    secondary[: len(periods) - 1] = periods[1:]
    return shape * pulsation_ratios(bands)[band], periods[0], secondary, subtype


SHAPES = {"rrlyrae": rrlyrae, "eclipsing": eclipsing, "multiperiodic": multiperiodic}


def _season_nights(years, season, n_needed, rng):
    """In-season night numbers over ``years`` (lengthened until ``n_needed``)."""
    start = rng.uniform(0.0, 365.25 - season)
    while True:
        nights = np.arange(np.floor(years * 365.25))
        nights = nights[((nights - start) % 365.25) < season]
        if nights.size >= n_needed:
            return nights
        years += 1.0


def survey_times(n_epochs, n_bands, cadence, rng):
    """Times [days] and band codes of a survey-like multi-band light curve.

    ``"dense"`` (SDSS Stripe 82-like): ``n_epochs`` visits on distinct nights
    over an 8-10 year baseline with a 90-120 night season each year; every
    visit observes every band, the bands 72 s apart in their listed order
    (a drift scan), so each band has ``n_epochs`` points. ``"sparse"``
    (LSST/ZTF-like): one band per night, ``n_epochs`` nights per band, over
    1-3 years with a 180-240 night season each year. The time in the night
    is uniform in [0.1, 0.4] d. Returned sorted by time.
    """
    if cadence == "dense":
        years, season, n_nights = rng.uniform(8.0, 10.0), rng.uniform(90, 120), n_epochs
    else:
        years, season = rng.uniform(1.0, 3.0), rng.uniform(180.0, 240.0)
        n_nights = n_epochs * n_bands
    nights = _season_nights(years, season, n_nights, rng)
    visits = np.sort(rng.choice(nights, size=n_nights, replace=False))
    visits = visits + rng.uniform(0.1, 0.4, n_nights)
    if cadence == "dense":
        t = (visits[:, None] + np.arange(n_bands) * 72.0 / 86400.0).ravel()
        band = np.tile(np.arange(n_bands), n_nights)
    else:
        t = visits
        band = rng.permutation(np.repeat(np.arange(n_bands), n_epochs))
    return t, band
