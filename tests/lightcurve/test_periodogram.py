"""Periodogram, multi-band period and folded features against references."""

import light_curve as lc
import numpy as np
import pytest
from astropy.timeseries import LombScargle, LombScargleMultiband
from astropy.timeseries.periodograms.lombscargle._statistics import fap_baluev

from skastro.lightcurve import LightCurveFeatures
from skastro.lightcurve._features._batch import SegmentBatch
from skastro.lightcurve._features._reference import reference_fourier, reference_power
from skastro.lightcurve._features.periodogram import (
    METHODS,
    fft_backend,
    periodogram_peaks,
)


def _periodic(seed, n_objects=6, n=60, span=200.0):
    rng = np.random.default_rng(seed)
    curves, periods = [], []
    for _ in range(n_objects):
        t = np.sort(rng.uniform(0, span, n))
        p = np.exp(rng.uniform(np.log(0.5), np.log(30)))
        e = rng.uniform(0.02, 0.2, n)
        m = 15 + 0.4 * np.sin(2 * np.pi * t / p) + 0.1 * np.sin(4 * np.pi * t / p)
        curves.append(np.column_stack([t, m + rng.normal(0, 1, n) * e, e]))
        periods.append(p)
    return curves, np.array(periods)


def _batch(curves):
    t, m, e = (np.concatenate([c[:, j] for c in curves]) for j in range(3))
    offsets = np.concatenate([[0], np.cumsum([len(c) for c in curves])])
    return SegmentBatch(t, m, e, offsets, n_objects=len(curves), n_bands=1)


def _local_maxima(p):
    inner = (p[1:-1] > p[:-2]) & (p[1:-1] >= p[2:])
    idx = np.flatnonzero(inner) + 1
    if p[0] >= p[1]:
        idx = np.r_[0, idx]
    if p[-1] > p[-2]:
        idx = np.r_[idx, p.size - 1]
    return idx[np.argsort(-p[idx], kind="stable")]


# exact methods agree with the reference power to rounding, the FFT to 1e-5
RTOL = {"direct": 1e-9, "fft": 1e-5}
EXACT = [name for name, method in METHODS.items() if method.exact]
APPROXIMATE = [name for name, method in METHODS.items() if not method.exact]


def test_every_method_has_a_tolerance_and_one_is_exact():
    # a new method in METHODS is tested against the reference only once it
    # states its tolerance here; the cross-method tests need an exact one
    assert set(RTOL) == set(METHODS)
    assert EXACT


@pytest.mark.parametrize("method", list(METHODS))
def test_peaks_match_reference_power(method):
    rtol = RTOL[method]
    curves, _ = _periodic(0, n_objects=3, span=100.0)
    peak_f, peak_p, peak_snr, fap, *_ = periodogram_peaks(
        _batch(curves),
        n_peaks=3,
        min_period=0.4,
        max_period=None,
        oversampling=3,
        method=method,
    )
    for i, c in enumerate(curves):
        t, m, e = c.T
        df = 1 / (3 * (t.max() - t.min()))
        freqs = df * np.arange(1, int(np.floor(1 / (0.4 * df) + 1e-9)) + 1)
        power = reference_power(t, m, e, freqs)
        top = _local_maxima(power)[:3]
        np.testing.assert_allclose(peak_p[i], power[top], rtol=rtol)
        # refined periods lie within half a grid step of the grid peak
        assert np.all(np.abs(1 / peak_f[i] - freqs[top]) <= 0.5 * df + 1e-12)
        snr = (power[top] - power.mean()) / power.std()
        np.testing.assert_allclose(peak_snr[i], snr, rtol=10 * rtol)
        # Baluev (2008) false-alarm probability as astropy computes it
        expected = fap_baluev(power[top[0]], freqs[-1], t, m, e)
        np.testing.assert_allclose(fap[i], expected, rtol=1e-6 if rtol < 1e-6 else 1e-2)


def test_power_matches_astropy():
    curves, _ = _periodic(1, n_objects=3)
    _, peak_p, *_ = periodogram_peaks(
        _batch(curves), n_peaks=1, min_period=0.4, max_period=50.0, oversampling=5
    )
    for i, c in enumerate(curves):
        t, m, e = c.T
        df = 1 / (5 * (t.max() - t.min()))
        k = np.arange(int(np.ceil(1 / (50 * df) - 1e-9)), int(1 / (0.4 * df)) + 1)
        power = LombScargle(t, m, e).power(k * df, method="cython")
        assert peak_p[i, 0] == pytest.approx(power.max(), rel=1e-6)


def test_period_matches_light_curve_on_the_same_grid():
    curves, periods = _periodic(2, n_objects=8, n=80)
    k1 = 2**14
    df = 2.0 / k1  # grid up to 2 cycles per day
    peak_f, _, peak_snr, *_ = periodogram_peaks(
        _batch(curves),
        n_peaks=1,
        min_period=0.4,
        max_period=None,
        oversampling=5,
        grid=(df, 1, k1),
    )
    pg = lc.Periodogram(peaks=1, freqs=np.linspace(0, 2 * np.pi * k1 * df, k1 + 1))
    for i, c in enumerate(curves):
        t, m, e = (np.ascontiguousarray(v) for v in c.T)
        lc_period, lc_snr = pg(t, m, e)
        # light-curve's periodogram ignores the errors (unit weights) and its
        # fast mode is approximate: the best frequencies agree to within a
        # quarter of the peak width 1 / T (T = time span), not the grid step
        f_ours, f_lc = 1 / peak_f[i, 0], 1 / lc_period
        width = 1 / (t.max() - t.min())
        assert abs(f_ours - f_lc) <= 0.25 * width, (i, peak_f[i, 0], lc_period)
        assert abs(f_ours - 1 / periods[i]) <= 0.25 * width


def test_folded_features_match_reference():
    curves, _ = _periodic(3, n_objects=4)
    lcf = LightCurveFeatures(
        features=["period_0", "psi_cs", "psi_eta", "fourier_amplitude_1",
                  "fourier_amplitude_2", "fourier_amplitude_3", "fourier_amplitude_4",
                  "fourier_r21", "fourier_r31", "fourier_phi21", "fourier_phi31"],
        min_period=0.4,
    )  # fmt: skip
    X = lcf.fit_transform(curves)
    names = list(lcf.get_feature_names_out())
    for i, c in enumerate(curves):
        ref = reference_fourier(*c.T, period=X[i, 0])
        for j, name in enumerate(names[1:], start=1):
            assert X[i, j] == pytest.approx(ref[name], rel=1e-7, abs=1e-10), name


def test_fourier_recovers_harmonics():
    t = np.linspace(0, 40, 200)
    p = 2.0
    m = 10 + 0.5 * np.sin(2 * np.pi * t / p) + 0.2 * np.sin(4 * np.pi * t / p + 1.0)
    lcf = LightCurveFeatures(
        features=["period_0", "fourier_amplitude_1", "fourier_r21", "fourier_phi21"],
        min_period=0.5,
    )
    period, a1, r21, phi21 = lcf.fit_transform([np.column_stack([t, m])])[0]
    assert period == pytest.approx(2.0, rel=1e-3)
    assert a1 == pytest.approx(0.5, rel=1e-2)
    assert r21 == pytest.approx(0.4, rel=1e-2)
    # phi21 = phi2 - 2 phi1 = 1.0 - 0 for sines starting at phase 0
    assert phi21 == pytest.approx(1.0, abs=2e-2)


def test_multiband_power_is_chi2_weighted_sum():
    rng = np.random.default_rng(4)
    n = 50
    t = np.sort(rng.uniform(0, 100, 2 * n))
    band = rng.integers(0, 2, 2 * n)
    e = rng.uniform(0.05, 0.2, 2 * n)
    m = 15 + band * 0.5 + (0.3 + 0.2 * band) * np.sin(2 * np.pi * t / 3.3)
    m = m + rng.normal(0, 1, 2 * n) * e
    curve = np.column_stack([t, m, e, band])
    lcf = LightCurveFeatures(
        features=["period_multiband"], n_peaks=1, min_period=1.0, oversampling=4
    )
    period, power = lcf.fit_transform([curve])[0]
    df = 1 / (4 * (t.max() - t.min()))
    freqs = df * np.arange(1, int(1 / df) + 1)
    num, den = 0.0, 0.0
    for b in (0, 1):
        sel = band == b
        w = 1 / e[sel] ** 2
        chi0 = np.sum(w * (m[sel] - np.sum(w * m[sel]) / w.sum()) ** 2)
        num = num + chi0 * reference_power(t[sel], m[sel], e[sel], freqs)
        den += chi0
    mb = num / den
    assert power == pytest.approx(mb.max(), rel=1e-6)
    assert abs(1 / period - freqs[mb.argmax()]) <= 0.5 * df
    assert period == pytest.approx(3.3, rel=5e-3)


def _multiband_batch(curves, n_bands):
    """SegmentBatch of (t, m, e, band) curves, band after band per object."""
    parts = [c[c[:, 3] == b] for c in curves for b in range(n_bands)]
    t, m, e = (np.concatenate([p[:, j] for p in parts]) for j in range(3))
    offsets = np.concatenate([[0], np.cumsum([len(p) for p in parts])])
    return SegmentBatch(t, m, e, offsets, n_objects=len(curves), n_bands=n_bands)


@pytest.mark.parametrize("method", list(METHODS))
def test_shared_multiband_peaks_match_astropy(method):
    # the shared-shape multi-band peaks (the re-ranking's extra candidates)
    # are the local maxima of astropy's LombScargleMultiband(nterms_base=1,
    # nterms_band=0) power on the same grid, highest first, within a grid
    # step (the peak is refined by a parabola between grid points)
    rng = np.random.default_rng(7)
    n_bands, span, oversampling = 3, 120.0, 5
    curves = []
    for _ in range(3):
        t = np.sort(rng.uniform(0, span, 90))
        band = rng.integers(0, n_bands, t.size)
        e = rng.uniform(0.02, 0.2, t.size)
        x = 2 * np.pi * t / rng.uniform(0.5, 5.0)
        m = 15 + 0.3 * band + (0.4 - 0.1 * band) * np.sin(x) + 0.1 * np.sin(2 * x)
        curves.append(np.column_stack([t, m + rng.normal(0, 1, t.size) * e, e, band]))
    kwargs = dict(n_peaks=3, min_period=0.2, max_period=None, oversampling=5)
    peaks = periodogram_peaks(
        _multiband_batch(curves, n_bands), method=method, **kwargs
    )
    for o, c in enumerate(curves):
        t, m, e, band = c.T
        df = 1 / (oversampling * (t.max() - t.min()))
        freqs = df * np.arange(1, int(1 / (0.2 * df)) + 1)
        ls = LombScargleMultiband(
            t, m, band.astype(int), e, nterms_base=1, nterms_band=0
        )
        power = ls.power(freqs, method="flexible")
        top = freqs[_local_maxima(power)[:3]]
        np.testing.assert_allclose(1 / peaks.shared_period[o], top, atol=df)


def test_period_recovery_on_make_light_curves():
    from skastro.datasets import make_light_curves

    lcs = make_light_curves(
        120, classes=("periodic",), bands=("r",), n_points=(20, 200), random_state=0
    )
    X = [c[:, :3] for c in lcs.data]
    period = LightCurveFeatures(features=["period_0"]).fit_transform(X)[:, 0]
    recovered = np.abs(period / lcs.periods - 1) < 0.01
    assert recovered.mean() >= 0.95, recovered.mean()


def test_multiband_period_recovery_on_make_light_curves():
    from skastro.datasets import make_light_curves

    lcs = make_light_curves(
        60, classes=("periodic",), bands=("g", "r"), n_points=(20, 200), random_state=1
    )
    lcf = LightCurveFeatures(features=["period_multiband"], n_peaks=1)
    period = lcf.fit_transform(lcs.data)[:, 0]
    assert lcf.get_feature_names_out().tolist() == [
        "period_multiband_0",
        "period_multiband_0_power",
    ]
    recovered = np.abs(period / lcs.periods - 1) < 0.01
    assert recovered.mean() >= 0.95, recovered.mean()


def test_approximate_methods_match_exact_sums_at_the_edge_of_the_fft_grid():
    # k1 a power of two: the FFT grid is exactly 3 k1, no slack, so every
    # mode the gridding must resolve is used (an inexact shortcut there
    # shows first in the S/N, which averages the whole spectrum); every
    # approximate method of METHODS agrees with the exact sums to 1e-4
    curves, _ = _periodic(2, n_objects=8, span=200.0)
    batch = _batch(curves)
    kwargs = dict(n_peaks=2, min_period=0.1, max_period=None, oversampling=5)
    grid = (5.0 / 2**12, 1, 2**12)
    exact = periodogram_peaks(batch, method=EXACT[0], grid=grid, **kwargs)
    for method in APPROXIMATE:
        approx = periodogram_peaks(batch, method=method, grid=grid, **kwargs)
        for name, a, b in zip(("freq", "power", "snr", "fap"), approx[:4], exact[:4]):
            np.testing.assert_allclose(a, b, rtol=1e-4, err_msg=f"{method} {name}")


@pytest.mark.parametrize("backend", ["scipy", "pyfftw"])
def test_fft_backends_agree_with_exact_sums(backend, monkeypatch):
    # both FFT libraries give the FFT method the exact sums' peaks to 1e-4
    if backend == "pyfftw":
        pytest.importorskip("pyfftw", reason="the fftw extra is not installed")
    monkeypatch.setenv("SKASTRO_FFT", backend)
    assert fft_backend() == backend
    curves, _ = _periodic(4, n_objects=5, span=150.0)
    batch = _batch(curves)
    kwargs = dict(n_peaks=2, min_period=0.2, max_period=None, oversampling=4)
    fft = periodogram_peaks(batch, method="fft", **kwargs)
    for method in EXACT:
        exact = periodogram_peaks(batch, method=method, **kwargs)
        for name, a, b in zip(("freq", "power", "snr", "fap"), fft[:4], exact[:4]):
            np.testing.assert_allclose(a, b, rtol=1e-4, err_msg=f"{method} {name}")


def test_fft_backend_environment_variable(monkeypatch):
    monkeypatch.setenv("SKASTRO_FFT", "numpy")
    with pytest.raises(ValueError, match="SKASTRO_FFT='numpy'; expected"):
        fft_backend()
    monkeypatch.setenv("SKASTRO_FFT", "scipy")
    assert fft_backend() == "scipy"


def test_auto_cost_model_picks_the_method_measured_faster():
    # the cost model (calibrated on a 2-core Xeon) agrees with measurements
    # that differ by about 2x or more: the FFT for 10 points in each of two
    # bands on 1,500 frequencies (the transformer 2.5x faster with it) and
    # for 40 points on 5,000 (3.6x); the direct sums for 1,000 points on 16
    # frequencies (1.9x)
    from skastro.lightcurve._features.periodogram.direct import direct_cost
    from skastro.lightcurve._features.periodogram.nufft import fft_cost

    def pick(n_points, n_freqs, n_bands):
        args = (np.array([n_points]), np.array([n_freqs]), np.array([n_freqs]))
        d = direct_cost(*args, n_bands)[0]
        return "direct" if d <= fft_cost(*args, n_bands)[0] else "fft"

    assert pick(20, 1500, 2) == "fft"
    assert pick(40, 5000, 1) == "fft"
    assert pick(1000, 16, 1) == "direct"
