"""FFT evaluation: a type-1 non-uniform FFT, exponential-of-semicircle kernel.

Each point is spread onto a regular grid of ``n`` points over one cycle of
phase with the kernel ``phi(z) = exp(beta (sqrt(1 - z^2) - 1))``, ``|z| <=
1``, ``_W`` grid points wide (Barnett, Magland & af Klinteberg 2019); the
grid is transformed in single precision and mode ``k`` divided by the
kernel's Fourier transform. Oversampling ``_R = 1.25``: modes ``k <= n /
2.5`` are read. ``_W = 10`` and ``beta = 1.90 _W`` keep the sums within a
few 1e-6 of their scale in single precision (measured; the deconvolution
grows ~75x from ``k = 0`` to ``n / 2.5``). Over 480 peaks of 160 seeded
curves of 20-1,000 points, the powers are within 2.5e-6 of the exact sums
(99 % within 9.4e-7); at oversampling 1.5 (``beta = 2.03 _W``, FFTs of 3
instead of 2.5 times the highest grid index, 12 % slower) within 4.0e-6
(99 % within 3.4e-7). The Gaussian kernel used before (16 points, Greengard
& Lee 2004) needed oversampling 2 for about the same precision.
Three FFTs per object, of the weighted data and of the weights at f and 2f;
cost ~ n_fft log n_fft per object, n_fft the next 2-3-5-smooth size.

Each FFT of size n is taken as two FFTs of size n / 2 over the interleaved
sub-grids (grid point m goes to sub-grid ``m % 2`` at ``m // 2``;
decimation in time) and recombined with twiddle factors, ``X[k] = G_0[k] +
exp(-2 pi i k / n) G_1[k]``, the sub-grids' modes above n / 4 taken as the
conjugates of their mirrors. The same sums to rounding; with ``scipy.fft``
two transforms of 65,536 points take half the time of one of 131,072
(measured on a 2-core Xeon).
"""

from __future__ import annotations

import functools
import math
from collections import namedtuple

import numba
import numpy as np

from .fft_backend import rfft
from .peaks import (
    new_tracker,
    report,
    report_spectrum,
    shared_power,
    track_series,
)
from .scratch import scratch
from .setup import object_data

# The window sums of a coarser grid, kept by one pass for a later pass over
# the same times and errors with other magnitudes (the residual's
# periodogram): they depend on the weights only. ``mode``: KEEP (the pass
# writes them) or USE (the pass reads them and transforms the weighted data
# alone: one FFT instead of three). Object ``o``'s coarse grid is ``j df_o
# step``, ``k0[o] <= j <= k1[o]`` (frequency index ``step j`` of the pass
# that keeps them); its band ``b``'s centred sums ``cc, ss, cs`` (as in
# :func:`_fft_power`) at ``j`` are at ``start[o] + b (k1[o] - k0[o] + 1) + j
# - k0[o]`` of the flat arrays; ``have[o]``: kept (objects evaluated by FFT).
Window = namedtuple("Window", "mode step k0 k1 start cc ss cs have")
NO_WINDOW, KEEP, USE = 0, 1, 2

_W = 10  # kernel width in grid points (even)
_BETA = 1.90 * _W  # kernel shape; at _R = 1.25 the error is least near 1.85-1.9 _W
_DEGREE = 8  # of the polynomials giving the kernel weights
_R = 1.25  # oversampling: modes k <= n / (2 _R) are read
_FAST = {"reassoc", "contract", "nsz", "arcp"}
_FFT_BLOCK = 1 << 20
_GRID_DTYPE = np.float32
# costs in the time of one point at one frequency by direct sums (fft_cost)
_FFT_COST = 0.6  # per n_fft log2 n_fft and band
_FFT_PER_POINT = 70.0


def _kernel(z: np.ndarray) -> np.ndarray:
    """``phi(z) = exp(beta (sqrt(1 - z^2) - 1))`` on ``|z| <= 1``, 0 outside."""
    return np.exp(_BETA * (np.sqrt(np.maximum(1.0 - z * z, 0.0)) - 1.0))


@functools.lru_cache(maxsize=1)
def _kernel_polynomials() -> np.ndarray:
    """Coefficients ``c[d, i]`` (highest degree first) of the kernel weights.

    Weight ``i`` of a point ``delta = u - floor(u)`` grid steps past a grid
    point is ``phi((i - _W / 2 + 1 - delta) / (_W / 2))``, a polynomial of
    degree ``_DEGREE`` in ``s = 2 delta - 1`` (Chebyshev interpolation; within
    ~2e-9 of ``phi``, far below single-precision rounding). Read-only.
    """
    cheb = np.polynomial.chebyshev
    coef = np.empty((_DEGREE + 1, _W))
    for i in range(_W):

        def weight(s, i=i):
            return _kernel((i - _W // 2 + 1 - (s + 1.0) / 2.0) / (_W / 2))

        coef[:, i] = cheb.cheb2poly(cheb.chebinterpolate(weight, _DEGREE))[::-1]
    coef.flags.writeable = False
    return coef


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _kernel_weights(u, coef, out):
    """Kernel weights of a point ``u`` grid steps into [0, n]; returns ``m0``.

    ``out[i] = phi((m - u) / (_W / 2))`` for the ``_W`` grid points ``m =
    m0 - _W / 2 + 1 + i`` around ``u``, ``m0 = floor(u)``, by Horner's rule
    on :func:`_kernel_polynomials`.
    """
    m0 = int(math.floor(u))
    s = 2.0 * (u - m0) - 1.0
    for i in range(_W):
        out[i] = coef[0, i]
    for d in range(1, coef.shape[0]):
        for i in range(_W):
            out[i] = out[i] * s + coef[d, i]
    return m0


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _add_weighted(grid, row, m0, y, wts):
    """Grid point ``m = (m0 - _W / 2 + 1 + i) % n`` gets ``y * wts[i]``.

    ``grid[row]`` holds the two interleaved sub-grids: point ``m`` is
    ``grid[row, m % 2, m // 2]``.
    """
    n = grid.shape[1] * grid.shape[2]
    start = m0 - _W // 2 + 1
    if start >= 0 and start + _W <= n:  # no wrap: most points
        # even i to sub-grid start % 2, odd i to the other: two runs
        for p in range(2):
            m = start + p
            g = grid[row, m & 1]
            base = m >> 1
            for i in range(_W // 2):
                g[base + i] += y * wts[2 * i + p]
        return
    for i in range(_W):
        m = start + i
        if m < 0:
            m += n
        elif m >= n:
            m -= n
        grid[row, m % 2, m // 2] += y * wts[i]


@functools.lru_cache(maxsize=1)
def _kernel_transform() -> np.ndarray:
    """Chebyshev coefficients of ``Phi(xi) = int phi(z) cos(xi z) dz``, |z| <= 1.

    On ``xi`` in ``[0, pi _W / (2 _R)]`` (the modes read), by 100-node
    Gauss-Legendre quadrature; degree 20 matches the quadrature to ~1e-12.
    """
    z, wq = np.polynomial.legendre.leggauss(100)
    z, wq = (z + 1.0) / 2.0, wq / 2.0
    ker = _kernel(z)
    top = np.pi * _W / (2.0 * _R)

    def phi_hat(s):
        xi = (s + 1.0) / 2.0 * top
        return 2.0 * (np.cos(np.outer(xi, z)) * ker) @ wq

    return np.polynomial.chebyshev.chebinterpolate(phi_hat, 20)


def _n_read(n: int) -> int:
    """Modes read of a size-``n`` grid: ``k <= n / (2 _R)``, plus one spare."""
    return int(n / (2 * _R)) + 2


@functools.lru_cache(maxsize=64)
def _deconvolution(n: int) -> np.ndarray:
    """Factor of mode ``k`` of a size-``n`` grid: ``2 / (_W Phi(pi _W k / n))``.

    The grid's FFT at ``k`` is ``sum_j y_j exp(-i k x_j)`` times the kernel's
    Fourier transform ``(pi _W / n) Phi(pi _W k / n)`` over the grid step
    ``2 pi / n``. For every mode read (:func:`_n_read`); read-only.
    """
    k = np.arange(_n_read(n), dtype=float)
    s = 2.0 * k * (2.0 * _R) / n - 1.0  # xi / top mapped to [-1, 1]
    dec = 2.0 / (_W * np.polynomial.chebyshev.chebval(s, _kernel_transform()))
    dec.flags.writeable = False
    return dec


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _fill_grids(
    t, m, err, seg, objs, n_bands, t0, df, min_points, coef, g_wy, g_w, g_w2, wy_only
):
    """Spread each band's weighted data, weights at f and weights at 2 f.

    ``wy_only``: the weighted data alone (``g_w, g_w2`` are not touched).
    """
    n = g_wy.shape[1] * g_wy.shape[2]
    wts = np.empty(_W)
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
                # phases in cycles, in [0, 1): x = 2 pi phase
                ph1 = f * tr[j]
                ph1 -= math.floor(ph1)
                ph2 = 2.0 * ph1
                ph2 -= math.floor(ph2)
                # the weighted data and the weights share the phase ph1
                m0 = _kernel_weights(ph1 * n, coef, wts)
                _add_weighted(g_wy, row, m0, wy[j], wts)
                if wy_only:
                    continue
                _add_weighted(g_w, row, m0, w[j], wts)
                m0 = _kernel_weights(ph2 * n, coef, wts)
                _add_weighted(g_w2, row, m0, w[j], wts)


@functools.lru_cache(maxsize=64)
def _twiddles(n: int, dtype: np.dtype) -> np.ndarray:
    """``exp(-2 pi i k / n)`` for every mode read (:func:`_n_read`), read-only."""
    tw = np.exp(-2j * np.pi * np.arange(_n_read(n)) / n).astype(dtype)
    tw.flags.writeable = False
    return tw


def _sub_modes(grid: np.ndarray, kmax: int) -> np.ndarray:
    """Real FFTs of each row's two sub-grids, modes ``0 .. min(kmax, L / 2 + 1)``."""
    rows, n_sub, length = grid.shape
    if kmax > length:
        raise ValueError(f"{kmax} modes asked of sub-grids of {length} points")
    n_half = min(kmax, length // 2 + 1)
    return rfft(grid.reshape(rows * n_sub, length), n_half).reshape(rows, n_sub, n_half)


@numba.njit(
    cache=True, nogil=True, error_model="numpy", fastmath=_FAST, inline="always"
)
def _mode(sub, tw, length, k):
    """Mode ``k`` of a grid from its sub-grids' FFTs: ``G_0[k] + tw[k] G_1[k]``.

    The sub-grids' real FFTs hold modes ``0 .. length / 2``; above,
    ``G_s[k] = conj(G_s[length - k])``.
    """
    if k < sub.shape[1]:
        return sub[0, k] + tw[k] * sub[1, k]
    return sub[0, length - k].conjugate() + tw[k] * sub[1, length - k].conjugate()


@numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=_FAST)
def _fft_power(
    s_wy, s_w, s_w2, tw, length, dec, k0, yy, out, scale, acc, kept, mode, first, step
):
    """Power at grid indices k0 .. k0 + len(out) - 1 from the deconvolved sums.

    ``s_*``: the sub-grid FFTs of one row (:func:`_sub_modes`). The band's
    centred sums (cc, ss, cs, yc, ys) times ``scale`` are added to the rows
    of ``acc`` (for the shared-shape multi-band power; an ``acc`` with no
    columns is left out). ``kept``: three arrays of window sums ``(cc, ss,
    cs)``: with ``mode`` USE, the band's at these indices (read instead of
    ``s_w, s_w2``); with KEEP, written with the sums at the loop's ``first,
    first + step, ...`` (a coarse grid's indices); else not read. One loop
    with the arithmetic written out: helpers returning the three sums made
    it 5x slower.
    """
    kcc, kss, kcs = kept
    use = mode == USE
    nxt = first if mode == KEEP and kcc.shape[0] > 0 else -1
    q = 0
    for j in range(out.shape[0]):
        k = k0 + j
        # deconvolved sums of g exp(-i k x): cos = real part, sin = -imag part
        f_wy = _mode(s_wy, tw, length, k)
        yc = dec[k] * f_wy.real
        ys = -dec[k] * f_wy.imag
        if use:
            cc, ss, cs = kcc[j], kss[j], kcs[j]
        else:
            f_w = _mode(s_w, tw, length, k)
            f_w2 = _mode(s_w2, tw, length, k)
            cw = dec[k] * f_w.real
            sw = -dec[k] * f_w.imag
            c2 = dec[k] * f_w2.real
            s2 = -dec[k] * f_w2.imag
            cc = 0.5 * (1.0 + c2) - cw * cw
            ss = 0.5 * (1.0 - c2) - sw * sw
            cs = 0.5 * s2 - cw * sw
            if j == nxt:
                kcc[q], kss[q], kcs[q] = cc, ss, cs
                q += 1
                nxt = first + q * step if q < kcc.shape[0] else -1
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
def _fft_post(
    t, m, err, seg, objs, n_bands, grid, min_points, sums, dec, out, spec, win
):
    """Powers from the trigonometric sums, then peaks as in the direct path.

    ``sums = (s_wy, s_w, s_w2, tw, length)``: the sub-grid FFTs of the gridded
    data (:func:`_sub_modes`), one row per (object of ``objs``, band), the
    twiddles and the sub-grids' length. ``win``: a :data:`Window` the pass
    keeps or uses (``s_w, s_w2`` are then not read), or one in NO_WINDOW
    mode.
    """
    s_wy, s_w, s_w2, tw, length = sums
    empty = np.empty(0)
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
            kept = (empty, empty, empty)
            first = 0
            if win.mode != NO_WINDOW and win.k1[o] >= win.k0[o]:
                # this band's coarse window sums (with KEEP, every coarse
                # index's step j lies on this grid: periodogram_scan sees
                # to it)
                nfc = win.k1[o] - win.k0[o] + 1
                a = win.start[o] + bnd * nfc
                kept = (win.cc[a : a + nfc], win.ss[a : a + nfc], win.cs[a : a + nfc])
                first = win.step * win.k0[o] - k0
            _fft_power(
                s_wy[row],
                s_w[row],
                s_w2[row],
                tw,
                length,
                dec,
                k0,
                data.yy[bnd],
                power[bnd],
                data.chi0[bnd] / data.yy[bnd],  # the band's total weight
                acc,
                kept,
                win.mode,
                first,
                win.step,
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
        if win.mode == KEEP and win.k1[o] >= win.k0[o]:
            win.have[o] = True


def fft_size(k1: np.ndarray) -> np.ndarray:
    """FFT size of each object: at least ``2 _R`` times its highest grid index.

    Twice the next 2-3-5-smooth sub-grid size
    (``scipy.fft.next_fast_len``), not a power of two: as fast per point,
    and on average ~1.4x fewer points.
    """
    from scipy import fft

    need = np.maximum(np.ceil(2 * _R * np.asarray(k1, dtype=float)), 64)
    out = np.empty(need.shape, dtype=np.int64)
    for n in np.unique(need):
        sub = fft.next_fast_len(-(-int(n) // 2), real=True)
        out[need == n] = 2 * sub
    return out


def fft_cost(n_points, n_freqs, k1, n_bands):
    """Cost per object, in the time of one point at one frequency directly.

    Three transforms and the power per band, gridding per point (measured on
    a 2-core Xeon, 2026-12-05: 0.8 ns per ``n_fft log2 n_fft`` and band, 100
    ns a point, against 1.36 ns a point and frequency of the direct sums).
    """
    n_fft = fft_size(k1)
    return _FFT_COST * n_bands * n_fft * np.log2(n_fft) + _FFT_PER_POINT * n_points


def no_window() -> Window:
    """A :data:`Window` in NO_WINDOW mode (nothing kept or used)."""
    none = np.empty(0, dtype=np.int64)
    empty = np.empty(0)
    return Window(NO_WINDOW, 1, none, none, none, empty, empty, empty, none > 0)


def new_window(coarse, step: int, n_bands: int) -> Window:
    """A :data:`Window` to KEEP for the coarse grids ``coarse`` (a ``Grid``).

    ``step``: the ratio of the coarse grid's step to the keeping pass's.
    """
    nf = np.maximum(coarse.k1 - coarse.k0 + 1, 0)
    start = np.zeros(nf.shape[0], dtype=np.int64)
    np.cumsum(n_bands * nf[:-1], out=start[1:])
    size = int(n_bands * nf.sum())
    # written for every object kept (``have``), read for no other
    sums = scratch("window", 3 * size, np.float64).reshape(3, size)
    return Window(
        KEEP,
        int(step),
        coarse.k0,
        coarse.k1,
        start,
        *sums,
        np.zeros(nf.shape[0], dtype=np.bool_),
    )


def fft_peaks(batch, objs, grid, min_points, out, spec, window=None) -> None:
    """Peaks of objects ``objs`` by non-uniform FFTs, written to out and spec.

    Objects are grouped by FFT size, in blocks of at most ``_FFT_BLOCK``
    grid cells. ``window``: a :data:`Window` to keep (the objects' window
    sums on its coarse grids are written) or to use (its sums replace two of
    the three transforms; every object of ``objs`` must have them).
    """
    win = no_window() if window is None else window
    use = win.mode == USE
    n_bands = batch.n_bands
    points = (batch.t, batch.m, batch.err, batch.offsets)
    sizes = fft_size(grid.k1[objs])
    # the grids' memory, reused by every block (fresh pages cost more to
    # fault in than to zero; across calls, measured, reuse was slower)
    cells = max(min(_FFT_BLOCK, int(sizes.max()) * n_bands * objs.shape[0]), 1)
    shape = (1 if use else 3, max(cells, int(sizes.max()) * n_bands))
    memory = np.empty(shape, _GRID_DTYPE)
    for size in np.unique(sizes):
        group = objs[sizes == size]
        per_block = max(1, _FFT_BLOCK // (int(size) * n_bands))
        for lo in range(0, group.shape[0], per_block):
            block = group[lo : lo + per_block]
            rows = block.shape[0] * n_bands
            used = memory[:, : rows * int(size)]
            used.fill(0)
            grids = [g.reshape((rows, 2, int(size) // 2)) for g in used]
            g_wy, g_w, g_w2 = grids * 3 if use else grids
            _fill_grids(
                *points,
                block,
                n_bands,
                grid.t0,
                grid.df,
                min_points.peaks,
                _kernel_polynomials(),
                g_wy,
                g_w,
                g_w2,
                use,
            )
            kmax = int(grid.k1[block].max()) + 1
            dec = _deconvolution(int(size))
            modes = [_sub_modes(g, kmax) for g in grids]
            tw = _twiddles(int(size), modes[0].dtype)
            sums = (*(modes * 3 if use else modes), tw, int(size) // 2)
            _fft_post(
                *points, block, n_bands, grid, min_points, sums, dec, out, spec, win
            )
