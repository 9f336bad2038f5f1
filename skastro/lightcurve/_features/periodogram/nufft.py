"""FFT evaluation: a type-1 non-uniform FFT by Gaussian gridding.

Greengard & Lee (2004): oversampling 2, 16-point kernel, single-precision
FFTs, power within ~1e-6 of exact; three FFTs per object, of the weighted
data and of the weights at f and 2f. Cost ~ n_fft log n_fft per object,
with n_fft the next 2-3-5-smooth size at least 4x the highest grid index.

Each FFT of size n is taken as ``_SPLIT`` FFTs of size n / ``_SPLIT`` over
the interleaved sub-grids (grid point m goes to sub-grid ``m % _SPLIT`` at
``m // _SPLIT``; decimation in time) and recombined with twiddle factors,
``X[k] = sum_s exp(-2 pi i k s / n) G_s[k]``, for the modes k <= n / 4
the periodogram reads. The same sums to rounding; with ``scipy.fft`` two
transforms of 65,536 points take half the time of one of 131,072 (measured
on a 2-core Xeon). Four sub-grids would need the conjugate mirrors of their
real FFTs' upper modes and measured slower.
"""

from __future__ import annotations

import functools
import math

import numba
import numpy as np

from .fft_backend import rfft
from .peaks import new_tracker, report, report_spectrum, shared_power, track_series
from .setup import object_data

_MSP = 8  # Gaussian gridding half-width (~1e-8 relative in double precision)
_FAST = {"reassoc", "contract", "nsz", "arcp"}
_SPLIT = 2  # sub-grids per FFT (decimation in time; see the module docstring)
_FFT_BLOCK = 1 << 20
_GRID_DTYPE = np.float32
_FFT_COST = 1.0  # FFT (n log n) unit cost against direct (point x frequency)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _kernel_weights(x, n, tau, e3, out):
    """Gaussian gridding weights of a point at angle ``x`` in [0, 2 pi).

    ``out[i] = exp(-(2 pi m / n - x)^2 / (4 tau))`` for the 2 * _MSP grid
    points ``m = m0 - _MSP + 1 + i`` around ``x`` (Greengard & Lee 2004);
    returns ``m0``. With ``d = 2 pi m0 / n - x`` and ``h = 2 pi / n``, the
    weight at ``m0 + j`` factors as ``exp(-d^2 / 4 tau) exp(-d h / 2 tau)^j
    exp(-(j h)^2 / 4 tau)``: two exponentials a point and the last factor
    from ``e3`` (precomputed per grid) instead of one exponential a weight.
    """
    h = 2.0 * math.pi / n
    m0 = int(math.floor(x / h))
    d = h * m0 - x
    e1 = math.exp(-d * d / (4.0 * tau))
    e2 = math.exp(-d * h / (2.0 * tau))
    up = e1
    for j in range(0, _MSP + 1):  # j = 0 .. _MSP
        out[_MSP - 1 + j] = up * e3[_MSP - 1 + j]
        up *= e2
    down = e1
    inv = 1.0 / e2
    for j in range(1, _MSP):  # j = -1 .. -_MSP + 1
        down *= inv
        out[_MSP - 1 - j] = down * e3[_MSP - 1 - j]
    return m0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_weighted(grid, row, m0, y, wts):
    """Grid point ``m = (m0 - _MSP + 1 + i) % n`` gets ``y * wts[i]``.

    ``grid[row]`` holds the ``_SPLIT`` interleaved sub-grids: point ``m`` is
    ``grid[row, m % _SPLIT, m // _SPLIT]``.
    """
    n = grid.shape[1] * grid.shape[2]
    start = m0 - _MSP + 1
    for i in range(2 * _MSP):
        m = start + i
        if m < 0:
            m += n
        elif m >= n:
            m -= n
        grid[row, m % _SPLIT, m // _SPLIT] += y * wts[i]


def _gaussian_factors(n: int, tau: float) -> np.ndarray:
    """``exp(-(j h)^2 / 4 tau)`` for ``j = -_MSP + 1 .. _MSP``, ``h = 2 pi / n``."""
    j = np.arange(-_MSP + 1, _MSP + 1, dtype=float)
    return np.exp(-((j * 2.0 * np.pi / n) ** 2) / (4.0 * tau))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fill_grids(
    t, m, err, seg, objs, n_bands, t0, df, min_points, tau, e3, g_wy, g_w, g_w2
):
    two_pi = 2.0 * math.pi
    n = g_w.shape[1] * g_w.shape[2]
    wts = np.empty(2 * _MSP)
    for r in range(objs.shape[0]):
        o = objs[r]
        tr, w, wy, yy, _, la, lb, _ = object_data(
            t, m, err, seg, o, n_bands, t0[o], min_points
        )
        f = df[o]
        for bnd in range(n_bands):
            if yy[bnd] <= 0:
                continue
            row = r * n_bands + bnd
            for j in range(la[bnd], lb[bnd]):
                x1 = (two_pi * f * tr[j]) % two_pi
                x2 = (2.0 * x1) % two_pi
                # the weighted data and the weights share the angle x1
                m0 = _kernel_weights(x1, n, tau, e3, wts)
                _add_weighted(g_wy, row, m0, wy[j], wts)
                _add_weighted(g_w, row, m0, w[j], wts)
                m0 = _kernel_weights(x2, n, tau, e3, wts)
                _add_weighted(g_w2, row, m0, w[j], wts)


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _combine(sub, tw, out):
    """``out[row, k] = sum_s tw[s, k] sub[row, s, k]``, ``k < kmax``.

    ``sub[row, s]``: the real FFT of sub-grid ``s``; ``tw[s, k] = exp(-2 pi
    i k s / n)``. The modes read are those the sub-grids' real FFTs hold
    (``kmax <= L / 2 + 1`` for sub-grids of ``L`` points).
    """
    for row in range(sub.shape[0]):
        for k in range(tw.shape[1]):
            out[row, k] = sub[row, 0, k]
        for s in range(1, sub.shape[1]):
            g = sub[row, s]
            w = tw[s]
            for k in range(tw.shape[1]):
                out[row, k] += w[k] * g[k]


@functools.lru_cache(maxsize=16)
def _twiddles(n_sub: int, n: int, kmax: int, dtype: np.dtype) -> np.ndarray:
    """``exp(-2 pi i k s / n)``, shape ``(n_sub, kmax)``, read-only."""
    angle = -2.0 * np.pi * np.outer(np.arange(n_sub), np.arange(kmax)) / n
    tw = np.exp(1j * angle).astype(dtype)
    tw.flags.writeable = False
    return tw


def _modes(grid: np.ndarray, kmax: int) -> np.ndarray:
    """The first ``kmax`` modes of the real FFT of each row's split grid."""
    rows, n_sub, length = grid.shape
    if kmax > length // 2 + 1:
        raise ValueError(f"{kmax} modes asked of sub-grids of {length} points")
    sub = rfft(grid.reshape(rows * n_sub, length), kmax)
    out = np.empty((rows, kmax), dtype=sub.dtype)
    tw = _twiddles(n_sub, n_sub * length, kmax, sub.dtype)
    _combine(sub.reshape(rows, n_sub, kmax), tw, out)
    return out


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _fft_power(f_wy, f_w, f_w2, dec, k0, yy, out, scale, acc):
    """Power at grid indices k0 .. k0 + len(out) - 1 from the deconvolved sums.

    The band's centred sums (cc, ss, cs, yc, ys) times ``scale`` are added
    to the rows of ``acc`` (for the shared-shape multi-band power; an
    ``acc`` with no columns is left out).
    """
    for j in range(out.shape[0]):
        k = k0 + j
        # deconvolved sums of g exp(-i k x): cos = real part, sin = -imag part
        yc = dec[k] * f_wy[k].real
        ys = -dec[k] * f_wy[k].imag
        cw = dec[k] * f_w[k].real
        sw = -dec[k] * f_w[k].imag
        c2 = dec[k] * f_w2[k].real
        s2 = -dec[k] * f_w2[k].imag
        cc = 0.5 * (1.0 + c2) - cw * cw
        ss = 0.5 * (1.0 - c2) - sw * sw
        cs = 0.5 * s2 - cw * sw
        if acc.shape[1] > 0:
            acc[0, j] += scale * cc
            acc[1, j] += scale * ss
            acc[2, j] += scale * cs
            acc[3, j] += scale * yc
            acc[4, j] += scale * ys
        d = cc * ss - cs * cs
        p = 0.0
        if d > 1e-300 * (cc + ss + 1.0):
            p = (ss * yc * yc + cc * ys * ys - 2.0 * cs * yc * ys) / (yy * d)
            p = min(max(p, 0.0), 1.0)
        out[j] = p


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fft_post(t, m, err, seg, objs, n_bands, grid, min_points, sums, dec, out, spec):
    """Powers from the trigonometric sums, then peaks as in the direct path.

    ``sums = (f_wy, f_w, f_w2)``: the FFTs of the gridded data, one row per
    (object of ``objs``, band).
    """
    f_wy, f_w, f_w2 = sums
    n_peaks = out.period.shape[1]
    for r in range(objs.shape[0]):
        o = objs[r]
        data = object_data(t, m, err, seg, o, n_bands, grid.t0[o], min_points.peaks)
        df = grid.df[o]
        k0, k1 = grid.k0[o], grid.k1[o]
        nf = k1 - k0 + 1
        tracker = new_tracker(n_bands + 2, n_peaks)
        power = np.zeros((n_bands + 2, nf))
        acc = np.zeros((5, nf if n_bands > 1 else 0))
        for bnd in range(n_bands):
            if data.yy[bnd] <= 0:
                continue
            row = r * n_bands + bnd
            _fft_power(
                f_wy[row],
                f_w[row],
                f_w2[row],
                dec,
                k0,
                data.yy[bnd],
                power[bnd],
                data.chi0[bnd] / data.yy[bnd],  # the band's total weight
                acc,
            )
            track_series(tracker, bnd, power[bnd], k0, df)
        if n_bands > 1 and data.chi0_sum > 0:
            for bnd in range(n_bands):
                if data.yy[bnd] > 0:
                    wb = data.chi0[bnd] / data.chi0_sum
                    for j in range(nf):
                        power[n_bands, j] += wb * power[bnd, j]
            track_series(tracker, n_bands, power[n_bands], k0, df)
            for j in range(nf):
                power[n_bands + 1, j] = shared_power(acc[:, j], data.chi0_sum)
            track_series(tracker, n_bands + 1, power[n_bands + 1], k0, df)
        report(o, data, tracker, nf, k1, df, min_points.fap, out)
        report_spectrum(o, data, tracker, k0, k1, df, spec)


def fft_size(k1: np.ndarray) -> np.ndarray:
    """FFT size of each object: at least 4x its highest grid index (R = 2).

    The next 2-3-5-smooth size (``scipy.fft.next_fast_len``), not the next
    power of two: as fast per point, and on average ~1.4x fewer points;
    ``_SPLIT`` times a 2-3-5-smooth sub-grid size.
    """
    from scipy import fft

    need = np.maximum(4 * np.asarray(k1, dtype=np.int64), 64)
    out = np.empty(need.shape, dtype=np.int64)
    for n in np.unique(need):
        sub = fft.next_fast_len(-(-int(n) // _SPLIT), real=True)
        out[need == n] = _SPLIT * sub
    return out


def fft_cost(n_points, n_freqs, k1):
    """Cost per object (arbitrary unit shared with the other methods)."""
    n_fft = fft_size(k1)
    return _FFT_COST * n_fft * np.log2(n_fft) + 4.0 * _MSP * n_points


def fft_peaks(batch, objs, grid, min_points, out, spec) -> None:
    """Peaks of objects ``objs`` by non-uniform FFTs, written to out and spec.

    Objects are grouped by FFT size, in blocks of at most ``_FFT_BLOCK``
    grid cells.
    """
    n_bands = batch.n_bands
    points = (batch.t, batch.m, batch.err, batch.offsets)
    sizes = fft_size(grid.k1[objs])
    for size in np.unique(sizes):
        group = objs[sizes == size]
        per_block = max(1, _FFT_BLOCK // (int(size) * n_bands))
        for lo in range(0, group.shape[0], per_block):
            block = group[lo : lo + per_block]
            rows = block.shape[0] * n_bands
            shape = (rows, _SPLIT, int(size) // _SPLIT)
            g_wy = np.zeros(shape, dtype=_GRID_DTYPE)
            g_w = np.zeros(shape, dtype=_GRID_DTYPE)
            g_w2 = np.zeros(shape, dtype=_GRID_DTYPE)
            # Greengard & Lee (2004): M = size / 2 modes, R = 2
            n_modes = size // 2
            tau = np.pi * _MSP / (3.0 * n_modes**2)
            _fill_grids(
                *points,
                block,
                n_bands,
                grid.t0,
                grid.df,
                min_points.peaks,
                tau,
                _gaussian_factors(int(size), tau),
                g_wy,
                g_w,
                g_w2,
            )
            kmax = int(grid.k1[block].max()) + 1
            kk = np.arange(kmax, dtype=float)
            dec = np.sqrt(np.pi / tau) * np.exp(kk * kk * tau) / size
            sums = (_modes(g_wy, kmax), _modes(g_w, kmax), _modes(g_w2, kmax))
            del g_wy, g_w, g_w2
            _fft_post(*points, block, n_bands, grid, min_points, sums, dec, out, spec)
