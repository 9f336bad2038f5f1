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
    # across the modes read (k <= n / (2 R))
    n = 3 * 2**10
    kmax = int(n / (2 * nufft._R)) + 1
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
    # single-precision rounding, for every mode read (k <= n / (2 R))
    rng = np.random.default_rng(1)
    n = 2 * 3 * 2**9
    kmax = int(n / (2 * nufft._R)) + 1
    full = rng.normal(size=(2, n)).astype(np.float32)
    split = np.stack([full[:, 0::2], full[:, 1::2]], axis=1)
    sub = nufft._sub_modes(split.copy(), kmax)
    tw = nufft._twiddles(n, sub.dtype)
    expected = np.fft.rfft(full.astype(float), axis=1)[:, :kmax]
    scale = np.abs(expected).max()
    for row in range(2):
        got = np.array([nufft._mode(sub[row], tw, n // 2, k) for k in range(kmax)])
        assert np.abs(got - expected[row]).max() <= 1e-5 * scale


def _batch(n_objects, n_bands, seed):
    """Seeded multi-band curves: 6-400 points a band over 50-2000 days, or
    (every third object) 6-12 points over 3-30 days."""
    from skastro.lightcurve._features._batch import SegmentBatch

    rng = np.random.default_rng(seed)
    t, m, err, offsets = [], [], [], [0]
    for o in range(n_objects):
        short = o % 3 == 0
        span = rng.uniform(3, 30) if short else rng.uniform(50, 2000)
        period = np.exp(rng.uniform(np.log(0.2), np.log(50)))
        for _ in range(n_bands):
            n = int(rng.integers(6, 13 if short else 400))
            tb = np.sort(rng.uniform(0, span, n))
            eb = rng.uniform(0.01, 0.1, n)
            t.append(tb)
            m.append(0.3 * np.sin(2 * np.pi * tb / period) + rng.normal(0, 1, n) * eb)
            err.append(eb)
            offsets.append(offsets[-1] + n)
    arrays = (np.concatenate(a) for a in (t, m, err))
    return SegmentBatch(
        *arrays, np.array(offsets), n_objects=n_objects, n_bands=n_bands
    )


def test_kept_window_sums_give_the_full_pass_peaks():
    # a pass over other magnitudes (the residual) that reads the window sums
    # kept by the main pass on its coarse grid (one FFT per band instead of
    # three) finds the peaks of the same pass computed in full: the same
    # frequencies, and powers as close to the exact (direct) sums as the
    # full pass's (within 5e-5 here: 3.6e-5 at a 6-point band with a power
    # of 0.96, the others under 1e-5); a main pass by direct sums
    # keeps nothing, and the other pass then evaluates every object in full
    from skastro.lightcurve._features._batch import SegmentBatch
    from skastro.lightcurve._features.periodogram import (
        USE,
        coarse_grids,
        keep_window,
        periodogram_scan,
    )

    batch = _batch(24, 2, seed=7)
    grid = {"min_period": 0.1, "max_period": None}
    window = keep_window(batch, step=5, oversampling=5.0, **grid)
    periodogram_scan(batch, n_peaks=3, oversampling=5.0, window=window, **grid)
    assert window.have.all()
    # every kept sum, the grid's ends included, is the centred window sum
    # of the band's normalised weights at its coarse frequency, within the
    # FFT's 1e-5 (its error grows toward the top of the grid, where the
    # deconvolution is ~75 times its value at frequency 0: 5e-6 there)
    coarse = coarse_grids(batch, step=5, oversampling=5.0, **grid)
    for o in (1, 2, 23):
        nf = coarse.k1[o] - coarse.k0[o] + 1
        for b in range(batch.n_bands):
            s = o * batch.n_bands + b
            lo, hi = batch.offsets[s], batch.offsets[s + 1]
            w = batch.err[lo:hi] ** -2.0
            w /= w.sum()
            f = np.arange(coarse.k0[o], coarse.k1[o] + 1) * coarse.df[o]
            x = 2 * np.pi * np.outer(f, batch.t[lo:hi] - coarse.t0[o])
            cw, sw = np.cos(x) @ w, np.sin(x) @ w
            cc = np.cos(x) ** 2 @ w - cw**2
            ss = np.sin(x) ** 2 @ w - sw**2
            cs = (np.cos(x) * np.sin(x)) @ w - cw * sw
            at = slice(window.start[o] + b * nf, window.start[o] + (b + 1) * nf)
            for got, want in zip((window.cc, window.ss, window.cs), (cc, ss, cs)):
                np.testing.assert_allclose(got[at], want, rtol=0, atol=1e-5)
    direct = keep_window(batch, step=5, oversampling=5.0, **grid)
    periodogram_scan(
        batch, n_peaks=3, oversampling=5.0, window=direct, method="direct", **grid
    )
    assert not direct.have.any()
    rng = np.random.default_rng(8)
    other = SegmentBatch(
        batch.t,
        batch.m + rng.normal(0, 0.2, batch.m.shape[0]),
        batch.err,
        batch.offsets,
        n_objects=batch.n_objects,
        n_bands=batch.n_bands,
    )
    kw = {"n_peaks": 2, "oversampling": 1.0, **grid}
    full, _ = periodogram_scan(other, **kw)
    kept, _ = periodogram_scan(other, window=window._replace(mode=USE), **kw)
    none_kept, _ = periodogram_scan(other, window=direct._replace(mode=USE), **kw)
    for a, b in zip(none_kept, full):
        np.testing.assert_array_equal(a, b)
    for name in ("period", "multiband_period", "shared_period"):
        np.testing.assert_allclose(
            getattr(kept, name), getattr(full, name), rtol=1e-6, equal_nan=True
        )
    exact, _ = periodogram_scan(other, method="direct", **kw)
    for name in ("power", "multiband_power"):
        for got in (kept, full):
            np.testing.assert_allclose(
                getattr(got, name), getattr(exact, name), rtol=0, atol=5e-5
            )


def test_secondary_periods_do_not_depend_on_the_object_groups(monkeypatch):
    # the prewhitened periods are computed by groups of objects (their kept
    # window sums bounded by WINDOW_CELLS): groups of one or two objects
    # give the values of one group of all
    from skastro.lightcurve._features.families import periodogram as family

    batch = _batch(9, 2, seed=9)
    names = ["period_0", "period_1", "period_1_power", "period_2_snr"]
    params = {
        "n_peaks": 3,
        "min_period": 0.1,
        "max_period": None,
        "oversampling": 5.0,
        "n_candidates": 5,
        "n_harmonics": 2,
        "period_scorer": "harmonic",
    }
    whole = family._compute(batch, names, {}, **params)
    monkeypatch.setattr(family, "WINDOW_CELLS", 5000)
    grouped = family._compute(batch, names, {}, **params)
    assert whole.keys() == grouped.keys()
    for key in whole:
        np.testing.assert_array_equal(grouped[key], whole[key], err_msg=key)


def test_scratch_is_reused_per_thread_and_kind():
    # a thread's second request of a kind is a view of its first array (no
    # fresh pages); another kind or another thread gets other memory
    import threading

    from skastro.lightcurve._features.periodogram.scratch import scratch

    a = scratch("test-a", 1000, np.float64)
    b = scratch("test-a", 500, np.float64)
    assert np.shares_memory(a, b) and b.shape == (500,)
    assert not np.shares_memory(a, scratch("test-b", 1000, np.float64))
    other = []
    worker = threading.Thread(
        target=lambda: other.append(scratch("test-a", 1000, np.float64))
    )
    worker.start()
    worker.join()
    assert not np.shares_memory(a, other[0])
    bigger = scratch("test-a", 2000, np.float64)  # grows: new memory
    assert bigger.shape == (2000,) and not np.shares_memory(a, bigger)
