"""The harmonic fit and the entropy scorer against independent references.

The multi-harmonic model of the re-ranking is astropy's LombScargle
(nterms=k) model for one band and LombScargleMultiband's (nterms_base=k,
nterms_band=0 or 1) for several; the conditional entropy kernel is the
pure-numpy histogram definition of Graham et al. (2013).
"""

import numpy as np
import pytest
from astropy.timeseries import LombScargle, LombScargleMultiband

from skastro.lightcurve._features.kernels.entropy import conditional_entropy
from skastro.lightcurve._features.kernels.harmonic import harmonic_model


def _curve(n=80, n_bands=1, seed=0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 100, n))
    dy = rng.uniform(0.05, 0.2, n)
    band = rng.integers(0, n_bands, n)
    x = 2 * np.pi * t / 2.7
    y = 15 + np.sin(x) + 0.3 * np.sin(2 * x + 1) + 0.5 * band
    y = y + 0.2 * band * np.sin(x) + rng.normal(0, dy)
    return t, y, dy, band


@pytest.mark.parametrize("nterms", [1, 2, 4])
def test_single_band_fit_is_astropy_lombscargle_model(nterms):
    # the fitted model at the points equals LombScargle(nterms).model
    t, y, dy, band = _curve()
    for f in (1 / 2.7, 0.9):
        model, chi2 = harmonic_model(t, y, dy, band, f, n_harmonics=nterms)
        ref = LombScargle(t, y, dy, nterms=nterms).model(t, f)
        np.testing.assert_allclose(model, ref, atol=1e-6, rtol=0)
        np.testing.assert_allclose(chi2, np.sum(((y - ref) / dy) ** 2), rtol=1e-6)


@pytest.mark.parametrize("band_terms", [0, 1])
@pytest.mark.parametrize("nterms", [1, 3])
def test_multiband_fit_is_astropy_multiband_model(nterms, band_terms):
    # the model equals LombScargleMultiband's periodic part (design matrix
    # times parameters) plus each band's weighted mean, and its chi-square
    # reduction equals the multi-band power; astropy's own model() adds the
    # means of the first points rather than of the bands (astropy 8.0), so
    # the means are added here; the band ridge 1e-12 only breaks the
    # collinearity of astropy's shared and per-band offsets
    t, y, dy, band = _curve(n_bands=3)
    f = 1 / 2.7
    model, chi2 = harmonic_model(
        t, y, dy, band, f, n_harmonics=nterms, band_terms=band_terms
    )
    ls = LombScargleMultiband(
        t,
        y,
        band,
        dy,
        nterms_base=nterms,
        nterms_band=band_terms,
        reg_base=None,
        reg_band=1e-12,
    )
    periodic = (ls.design_matrix(f, t) @ ls.model_parameters(f)).reshape(3, -1)
    means = np.array(
        [np.average(y[band == b], weights=dy[band == b] ** -2) for b in range(3)]
    )
    ref = periodic[band, np.arange(t.size)] + means[band]
    np.testing.assert_allclose(model, ref, atol=1e-6, rtol=0)
    chi0 = np.sum(((y - means[band]) / dy) ** 2)
    np.testing.assert_allclose(
        (chi0 - chi2) / chi0, ls.power(np.array([f]))[0], atol=1e-6
    )


def _entropy_reference(t, u, f, n_phase, n_mag):
    phase = (f * t) % 1.0
    ip = np.minimum((phase * n_phase).astype(int), n_phase - 1)
    im = np.clip((u * n_mag).astype(int), 0, n_mag - 1)
    p = np.zeros((n_phase, n_mag))
    np.add.at(p, (ip, im), 1.0)
    p /= t.size
    pp = p.sum(axis=1, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log((pp * np.ones_like(p))[nz] / p[nz])))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_conditional_entropy_matches_numpy_reference(seed):
    # the numba kernel gives the histogram definition's value, at the true
    # frequency (low) and elsewhere
    t, y, dy, _ = _curve(n=120, seed=seed)
    u = (y - y.min()) / np.ptp(y)
    counts = np.empty(10 * 6, dtype=np.int64)
    for f in (1 / 2.7, 0.77, 3.1):
        got = conditional_entropy(t, u, f, 10, 5, counts)
        assert got == pytest.approx(_entropy_reference(t, u, f, 10, 5), abs=1e-12)
    true = conditional_entropy(t, u, 1 / 2.7, 10, 5, counts)
    assert true < conditional_entropy(t, u, 0.77, 10, 5, counts)


@pytest.mark.parametrize("n_bands", [1, 3])
def test_two_harmonic_normal_equations_are_the_general_ones(n_bands):
    # the two-harmonic accumulation (SIMD sums per run of a band's points)
    # gives the leading block of the three-harmonic normal equations (a
    # sequential loop over the points, bands interleaved) to rounding: the
    # same sums of the same products, added in another order
    from skastro.lightcurve._features.kernels.harmonic import (
        _normal_shared,
        n_columns,
    )

    t, y, dy, band = _curve(n=200, n_bands=n_bands, seed=3)
    order = np.argsort(band, kind="stable")  # the bands contiguous, as reranked
    t2, y2, dy2, band2 = t[order], y[order], dy[order], band[order]
    p2, p3 = n_columns(n_bands, 2, 0), n_columns(n_bands, 3, 0)
    ata2, atb2 = np.zeros((p2, p2)), np.zeros(p2)
    ata3, atb3 = np.zeros((p3, p3)), np.zeros(p3)
    cs, sn = np.empty(200), np.empty(200)
    yy2 = _normal_shared(
        t2, y2, 1 / dy2**2, band2, n_bands, 0.37, 2, ata2, atb2, np.zeros(4), cs, sn
    )
    yy3 = _normal_shared(
        t, y, 1 / dy**2, band, n_bands, 0.37, 3, ata3, atb3, np.zeros(6), cs, sn
    )
    scale = np.abs(ata3).max()
    assert yy2 == pytest.approx(yy3, rel=1e-13)
    np.testing.assert_allclose(
        np.tril(ata2), np.tril(ata3[:p2, :p2]), rtol=0, atol=1e-13 * scale
    )
    np.testing.assert_allclose(atb2, atb3[:p2], rtol=0, atol=1e-13 * np.abs(atb3).max())


def test_sincos_cycles_is_the_library_sine_and_cosine():
    # the branch-free sine and cosine of the fits agree with numpy's of the
    # reduced phase within 1e-15 (a few units in the last place), at phases
    # of up to
    # 10^5 cycles (a frequency of 30 per day over 10 years) and at the
    # reduction's edges (half cycles, quarter cycles)
    from numba import njit

    from skastro.lightcurve._features.kernels.harmonic import sincos_cycles

    @njit
    def both(p):
        s, c = np.empty(p.shape[0]), np.empty(p.shape[0])
        for i in range(p.shape[0]):
            s[i], c[i] = sincos_cycles(p[i])
        return s, c

    rng = np.random.default_rng(5)
    p = np.concatenate(
        [
            rng.uniform(0, 1e5, 20_000),
            np.arange(-8, 9) / 8,
            np.arange(-8, 9) / 8 + 1e-12,
            [0.0, 1e-300, 0.5 - 1e-17, 2.0**40 + 0.25],
        ]
    )
    s, c = both(p)
    r = p - np.round(p)  # exact: the reduced phase numpy's sine sees
    np.testing.assert_allclose(s, np.sin(2 * np.pi * r), rtol=0, atol=1e-15)
    np.testing.assert_allclose(c, np.cos(2 * np.pi * r), rtol=0, atol=1e-15)
