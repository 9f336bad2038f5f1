"""The non-uniform FFT's pieces: kernel weights, deconvolution, split grids."""

import numpy as np
from scipy import integrate

from skastro.lightcurve._features.periodogram import nufft


def test_kernel_weights_follow_the_kernel():
    # Horner on the tabulated polynomials gives phi at every grid point
    # around a point to 1e-8 (single-precision grids round at ~6e-8)
    rng = np.random.default_rng(0)
    coef = nufft._kernel_polynomials()
    wts = np.empty(nufft._W)
    for u in rng.uniform(0, 1000, 200):
        m0 = nufft._kernel_weights(u, coef, wts)
        m = m0 - nufft._W // 2 + 1 + np.arange(nufft._W)
        expected = nufft._kernel((m - u) / (nufft._W / 2))
        np.testing.assert_allclose(wts, expected, rtol=0, atol=1e-8)


def test_deconvolution_is_the_kernel_transform():
    # 2 / (W Phi(pi W k / n)) with Phi integrated by adaptive quadrature,
    # across the modes read (k <= n / 3)
    n = 3 * 2**10
    kmax = n // 3 + 1
    dec = nufft._deconvolution(n)
    for k in (0, 1, 77, kmax // 2, kmax - 1):
        xi = np.pi * nufft._W * k / n
        phi_hat, _ = integrate.quad(
            lambda z, xi=xi: nufft._kernel(np.array(z)) * np.cos(xi * z),
            -1,
            1,
            epsabs=1e-14,
            limit=200,
        )
        np.testing.assert_allclose(dec[k], 2 / (nufft._W * phi_hat), rtol=1e-9)


def test_split_grid_modes_equal_the_full_transform():
    # the modes read from the two sub-grids' real FFTs (twiddled, and
    # mirrored above n / 4) are those of the whole grid's real FFT, up to
    # single-precision rounding
    rng = np.random.default_rng(1)
    n = 2 * 3 * 2**9
    kmax = n // 3 + 1
    full = rng.normal(size=(2, n)).astype(np.float32)
    split = np.stack([full[:, 0::2], full[:, 1::2]], axis=1)
    sub = nufft._sub_modes(split.copy(), kmax)
    tw = nufft._twiddles(n, sub.dtype)
    expected = np.fft.rfft(full.astype(float), axis=1)[:, :kmax]
    scale = np.abs(expected).max()
    for row in range(2):
        got = np.array([nufft._mode(sub[row], tw, n // 2, k) for k in range(kmax)])
        assert np.abs(got - expected[row]).max() <= 1e-5 * scale
