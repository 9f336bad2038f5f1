"""Throughput of LightCurveFeatures against light-curve, feets, cesium, astropy.

Prints light curves per second, single-threaded, on the same seeded light
curves (N = 10^4 of n = 100 points and N = 10^3 of n = 1000 points; smaller
with ``--quick``) and the ratios skastro / peer. Never asserts.

- statistics: the features skastro and light-curve define the same way
  (``Extractor(...).many(n_jobs=1)``);
- periodogram: the best period on one shared grid ``linspace(0, f_max, 2^k
  + 1)`` (light-curve's fast periodogram requires it), against
  ``light_curve.Periodogram(fast=True)`` and an astropy
  ``LombScargle(...).power(method="fast")`` loop; the ratio against
  light-curve is taken with ``scipy.fft`` (``SKASTRO_FFT=scipy``: pyFFTW,
  GPL, is an opt-in extra), pyFFTW's rate printed beside it when installed;
- the default ``"all"`` set against the round-6 ``"all"`` set (the names
  of the families that existed then, at their defaults then: see
  :func:`round6_all`), on the same curves; the issue's budget is 1.3x;
- feets and cesium: their features in common with skastro, on a small subset
  (they are ~1000x slower);
- transient fits: Bazin and Villar fits (the ``"transient"`` features) on
  seeded Bazin flux curves, against light-curve's ``BazinFit`` / ``VillarFit``
  (the multi-band fits of 3 bands against light-curve's fit of each band)
  with its fastest least-squares algorithm.

``--memory`` runs 10^6 light curves of 100 points through ``transform``
(features="fast") in a subprocess and prints the peak resident memory.

Usage::

    python benchmarks/bench_lightcurve.py [--quick] [--memory]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np

from skastro.lightcurve import (
    LightCurveFeatures,
    LightCurveSequence,
    feature_definitions,
)

SPAN = 1000.0  # days
# the families of round 6, the features added to them since (name prefixes)
# and the defaults of that round that changed since. Round 6's period_1 and
# period_2 were further peaks of the one periodogram pass (no extra work);
# today they are prewhitened peaks, which need the re-ranking and a residual
# periodogram. So round 6's cost is measured with n_peaks=1: the same pass,
# without today's extra work.
ROUND6_FAMILIES = ("sampling", "stats", "variability", "periodogram", "folded")
ADDED_SINCE_ROUND6 = ("period_best", "period_multiband_best")
ROUND6_PARAMS = {"min_period": 0.1, "n_peaks": 1}
F_MAX = 5.0  # cycles per day (min_period 0.2 d)
K_GRID = 2**15  # grid f_k = k * F_MAX / K_GRID, k = 1..K_GRID

# skastro name -> light-curve feature factory (same definitions)
STATS = {
    "n_obs": ("ObservationCount", ()),
    "duration": ("Duration", ()),
    "max_gap": ("MaximumTimeInterval", ()),
    "min_gap": ("MinimumTimeInterval", ()),
    "time_mean": ("TimeMean", ()),
    "time_std": ("TimeStandardDeviation", ()),
    "mean": ("Mean", ()),
    "weighted_mean": ("WeightedMean", ()),
    "median": ("Median", ()),
    "std": ("StandardDeviation", ()),
    "skew": ("Skew", ()),
    "kurtosis": ("Kurtosis", ()),
    "amplitude": ("Amplitude", ()),
    "percent_amplitude": ("PercentAmplitude", ()),
    "median_abs_dev": ("MedianAbsoluteDeviation", ()),
    "iqr": ("InterPercentileRange", (0.25,)),
    "beyond_1std": ("BeyondNStd", (1.0,)),
    "median_buffer_range_percentage": ("MedianBufferRangePercentage", (0.1,)),
    "flux_percentile_ratio_mid20": (
        "MagnitudePercentageRatio",
        (
            0.4,
            0.05,
        ),
    ),
    "flux_percentile_ratio_mid50": (
        "MagnitudePercentageRatio",
        (
            0.25,
            0.05,
        ),
    ),
    "flux_percentile_ratio_mid80": (
        "MagnitudePercentageRatio",
        (
            0.1,
            0.05,
        ),
    ),
    "percent_difference_mag_percentile": (
        "PercentDifferenceMagnitudePercentile",
        (0.05,),
    ),
    "anderson_darling": ("AndersonDarlingNormal", ()),
    "excess_variance": ("ExcessVariance", ()),
    "reduced_chi2": ("ReducedChi2", ()),
    "eta": ("Eta", ()),
    "eta_e": ("EtaE", ()),
    "stetson_k": ("StetsonK", ()),
    "max_slope": ("MaximumSlope", ()),
    "cusum": ("Cusum", ()),
    "linear_trend": ("LinearTrend", ()),
    "linear_fit_slope": ("LinearFit", ()),
}
# the 13 basic statistics of the planning figures
BASIC = [
    "mean",
    "median",
    "std",
    "skew",
    "kurtosis",
    "amplitude",
    "median_abs_dev",
    "iqr",
    "beyond_1std",
    "stetson_k",
    "eta",
    "max_slope",
    "weighted_mean",
]
# skastro name -> feets 1.0.1 name (common features)
FEETS = {
    "amplitude": None,  # FATS amplitude differs; skipped for timing parity
    "std": "Std",
    "skew": "Skew",
    "kurtosis": "SmallKurtosis",
    "mean": "Mean",
    "median_abs_dev": "MedianAbsDev",
    "iqr": "Q31",
    "median_buffer_range_percentage": "MedianBRP",
    "percent_amplitude": "PercentAmplitude",
    "max_slope": "MaxSlope",
    "linear_trend": "LinearTrend",
    "stetson_k": "StetsonK",
    "anderson_darling": "AndersonDarling",
    "cusum": "Rcs",
    "con": "Con",
    "autocor_length": "Autocor_length",
    "eta_e": "EtaE",
    "weighted_mean": "WeightedMean",
}
# skastro name -> cesium name
CESIUM = {
    "amplitude": "amplitude",
    "anderson_darling": "anderson_darling",
    "flux_percentile_ratio_mid20": "flux_percentile_ratio_mid20",
    "flux_percentile_ratio_mid50": "flux_percentile_ratio_mid50",
    "flux_percentile_ratio_mid80": "flux_percentile_ratio_mid80",
    "max_slope": "max_slope",
    "median": "median",
    "median_abs_dev": "median_absolute_deviation",
    "percent_amplitude": "percent_amplitude",
    "beyond_1std": "percent_beyond_1_std",
    "percent_difference_mag_percentile": "percent_difference_flux_percentile",
    "skew": "skew",
    "std": "std",
    "stetson_k": "stetson_k",
    "weighted_mean": "weighted_average",
}


def make_curves(n_objects: int, n_points: int, seed: int = 0):
    """Seeded periodic light curves, times uniform over SPAN days."""
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, SPAN, (n_objects, n_points)), axis=1)
    period = np.exp(rng.uniform(np.log(0.3), np.log(30), (n_objects, 1)))
    err = rng.uniform(0.02, 0.1, (n_objects, n_points))
    m = 15 + 0.3 * np.sin(2 * np.pi * t / period) + rng.normal(0, 1, t.shape) * err
    offsets = np.arange(n_objects + 1) * n_points
    seq = LightCurveSequence(
        t.ravel(), m.ravel(), err.ravel(), None, offsets, np.arange(n_objects)
    )
    return seq, t, m, err, period[:, 0]


def rate(fn, n, repeat=1):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def bench_stats(seq, t, m, e, rows):
    import light_curve as lc

    n = len(seq)
    curves = [(t[i], m[i], e[i]) for i in range(n)]
    for label, names in (("statistics (32)", list(STATS)), ("13 basic", BASIC)):
        lcf = LightCurveFeatures(features=names).fit(seq)
        lcf.transform(seq[:20])  # compile / load the kernels
        sk = rate(lambda lcf=lcf: lcf.transform(seq), n, repeat=3)
        ex = lc.Extractor(*[getattr(lc, STATS[k][0])(*STATS[k][1]) for k in names])
        lcr = rate(lambda ex=ex: ex.many(curves, n_jobs=1), n, repeat=3)
        rows.append((label, "skastro", sk, None))
        rows.append((label, "light-curve", lcr, sk / lcr))
    lcf = LightCurveFeatures(features="fast").fit(seq)
    lcf.transform(seq[:20])
    arrays = [np.column_stack(c) for c in curves]
    rows.append(
        (
            "fast preset (41)",
            "skastro",
            rate(lambda: lcf.transform(seq), n, repeat=3),
            None,
        )
    )
    rows.append(
        (
            "fast preset (41)",
            "skastro, list of arrays",
            rate(lambda: lcf.transform(arrays), n, repeat=3),
            None,
        )
    )


def round6_all(n_peaks: int = 1) -> list[str]:
    """The names of round 6's ``"all"`` set, read from today's registry.

    The per-band features of the families that existed in round 6
    (:data:`ROUND6_FAMILIES`; the spectrum family is new) less those added
    to them since (:data:`ADDED_SINCE_ROUND6`), and the multi-band groups;
    computed with :data:`ROUND6_PARAMS`, round 6's defaults.
    """
    from skastro.lightcurve._features._registry import (
        MULTIBAND_GROUPS,
        per_band_specs,
    )

    names = [
        s.name
        for s in per_band_specs(n_peaks)
        if s.family in ROUND6_FAMILIES and not s.name.startswith(ADDED_SINCE_ROUND6)
    ]
    groups = [g for g in MULTIBAND_GROUPS if not g.startswith(ADDED_SINCE_ROUND6)]
    return names + groups


def bench_all_vs_round6(seq, n_sub, rows):
    """The default ``"all"`` set against round 6's, single-threaded."""
    sub = seq[:n_sub]
    today = LightCurveFeatures().fit(sub)
    before = LightCurveFeatures(features=round6_all(), **ROUND6_PARAMS).fit(sub)
    for lcf in (today, before):
        lcf.transform(sub[:5])  # compile / load the kernels
    r_before = rate(lambda: before.transform(sub), n_sub, repeat=2)
    r_today = rate(lambda: today.transform(sub), n_sub, repeat=2)
    n_before = len(before.get_feature_names_out())
    n_today = len(today.get_feature_names_out())
    label = '"all" (default) vs round 6'
    rows.append((label, f"round 6 all ({n_before}), min_period 0.1", r_before, None))
    # the ratio column: time of today's "all" / round 6's (the budget is 1.3)
    rows.append(
        (label, f"default all ({n_today}), time x", r_today, r_before / r_today)
    )


def bench_periodogram(seq, t, m, e, n_sub, rows):
    import light_curve as lc
    from astropy.timeseries import LombScargle

    from skastro.lightcurve._features._batch import SegmentBatch
    from skastro.lightcurve._features.periodogram import (
        fft_backend,
        periodogram_peaks,
    )

    sub = seq[:n_sub]
    df = F_MAX / K_GRID
    batch = SegmentBatch(
        sub.time, sub.mag, sub.err, sub.offsets, n_objects=n_sub, n_bands=1
    )

    def ours(method="auto"):
        return periodogram_peaks(
            batch,
            n_peaks=1,
            min_period=1 / F_MAX,
            max_period=None,
            oversampling=5,
            method=method,
            grid=(df, 1, K_GRID),
        )

    label = f"periodogram, {K_GRID} freqs"
    # the ratio against light-curve with scipy.fft only (pyFFTW is GPL)
    saved = os.environ.get("SKASTRO_FFT")
    os.environ["SKASTRO_FFT"] = "scipy"
    try:
        ours()
        assert fft_backend() == "scipy"
        sk = rate(ours, n_sub, repeat=3)
        rows.append((label, "skastro (auto, scipy.fft)", sk, None))
        for method in ("fft", "direct"):
            r = rate(lambda method=method: ours(method), n_sub, repeat=3)
            rows.append((label, f"skastro ({method}, scipy.fft)", r, None))
    finally:
        if saved is None:
            del os.environ["SKASTRO_FFT"]
        else:
            os.environ["SKASTRO_FFT"] = saved
    if fft_backend() != "scipy":  # the optional pyFFTW, for information
        ours()
        r = rate(ours, n_sub, repeat=3)
        rows.append((label, f"skastro (auto, {fft_backend()})", r, None))
    freqs = np.linspace(0, 2 * np.pi * F_MAX, K_GRID + 1)
    pg = lc.Periodogram(peaks=1, freqs=freqs, fast=True)
    curves = [(t[i], m[i], e[i]) for i in range(n_sub)]
    lcr = rate(lambda: pg.many(curves, n_jobs=1), n_sub, repeat=3)
    rows.append((label, "light-curve fast", lcr, sk / lcr))
    n_ap = min(n_sub, 30)
    f = df * np.arange(1, K_GRID + 1)

    def astropy_loop():
        for i in range(n_ap):
            p = LombScargle(t[i], m[i], e[i]).power(f, method="fast")
            f[np.argmax(p)]

    ap = rate(astropy_loop, n_ap, repeat=2)
    rows.append((label, "astropy fast loop", ap, sk / ap))
    # the transformer end to end, each object on its own grid (oversampling 5)
    lcf = LightCurveFeatures(features=["period_0"], n_peaks=1, min_period=1 / F_MAX)
    lcf.fit(sub).transform(sub[:5])
    rows.append(
        (
            "period_0, own grid (T x 25 freqs)",
            "skastro transform",
            rate(lambda: lcf.transform(sub), n_sub),
            None,
        )
    )


def bench_feets_cesium(seq, t, m, e, n_sub, rows):
    n = len(seq)
    names = [k for k, v in FEETS.items() if v]
    lcf = LightCurveFeatures(features=names).fit(seq)
    lcf.transform(seq[:20])  # compile / load the kernels, as in bench_stats
    sk = rate(lambda: lcf.transform(seq), n, repeat=3)
    try:
        import feets

        fs = feets.FeatureSpace(only=[FEETS[k] for k in names])

        def run_feets():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for i in range(n_sub):
                    fs.extract(time=t[i], magnitude=m[i], error=e[i])

        fr = rate(run_feets, n_sub)
        rows.append((f"feets common ({len(names)})", "skastro", sk, None))
        rows.append((f"feets common ({len(names)})", "feets", fr, sk / fr))
    except ImportError:
        print("feets: not installed")
    names = list(CESIUM)
    lcf = LightCurveFeatures(features=names).fit(seq)
    lcf.transform(seq[:20])
    sk = rate(lambda: lcf.transform(seq), n, repeat=3)
    try:
        from cesium.featurize import featurize_time_series

        def run_cesium():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                featurize_time_series(
                    times=[t[i] for i in range(n_sub)],
                    values=[m[i] for i in range(n_sub)],
                    errors=[e[i] for i in range(n_sub)],
                    features_to_use=[CESIUM[k] for k in names],
                    scheduler=None,
                )

        try:
            # best of 2: the first call pays cesium's one-off start-up costs
            run_cesium_rate = rate(run_cesium, n_sub, repeat=2)
        except TypeError:  # older signature without scheduler
            run_cesium_rate = None
        if run_cesium_rate is not None:
            rows.append((f"cesium common ({len(names)})", "skastro", sk, None))
            rows.append(
                (
                    f"cesium common ({len(names)})",
                    "cesium",
                    run_cesium_rate,
                    sk / run_cesium_rate,
                )
            )
    except ImportError:
        print("cesium: not installed")


MEMORY_SCRIPT = """
import resource, time
import numpy as np
from skastro.lightcurve import (
    LightCurveFeatures,
    LightCurveSequence,
    feature_definitions,
)
N, n = {N}, 100
rng = np.random.default_rng(0)
t = np.empty(N * n); m = np.empty(N * n); e = np.empty(N * n)
step = 10**5
for lo in range(0, N, step):
    k = min(step, N - lo)
    t[lo * n:(lo + k) * n] = np.sort(rng.uniform(0, 1000, (k, n)), axis=1).ravel()
    m[lo * n:(lo + k) * n] = rng.normal(15, 0.3, k * n)
    e[lo * n:(lo + k) * n] = rng.uniform(0.02, 0.1, k * n)
seq = LightCurveSequence(t, m, e, None, np.arange(N + 1) * n, np.arange(N))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
X = LightCurveFeatures(features="fast").fit(seq[:10]).transform(seq)
dt = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
gib = 2**30
print(f"memory: {{N}} x {{n}} points, input {{3 * t.nbytes / gib:.2f}} GiB, "
      f"output {{X.nbytes / gib:.2f}} GiB, peak RSS {{peak / 2**20:.2f}} GiB "
      f"(before transform {{base / 2**20:.2f}} GiB), {{N / dt:,.0f}} curves/s")
"""


def bench_transient(n_objects, n_points, rows):
    """Bazin and Villar fits (features="transient") against light-curve.

    Seeded Bazin curves in flux (2 % noise); light-curve's ``BazinFit`` /
    ``VillarFit`` with "lmsder" and "mcmc", the faster taken as the peer
    ("ceres" measured slower than "lmsder" here and logs every failed
    evaluation to stderr, so it is left out).
    """
    import light_curve as lc

    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(-50, 200, (n_objects, n_points)), axis=1)
    amp = rng.uniform(100, 1000, (n_objects, 1))
    t0 = rng.uniform(0, 40, (n_objects, 1))
    rise, fall = rng.uniform(1, 6, (n_objects, 1)), rng.uniform(15, 60, (n_objects, 1))
    flux = amp * np.exp(-(t - t0) / fall) / (1 + np.exp(-(t - t0) / rise))
    err = np.full(t.shape, 1.0) * 0.02 * amp
    flux = flux + rng.normal(0, 1, t.shape) * err
    offsets = np.arange(n_objects + 1) * n_points
    seq = LightCurveSequence(
        t.ravel(), flux.ravel(), err.ravel(), None, offsets, np.arange(n_objects)
    )
    curves = [(t[i], flux[i], err[i]) for i in range(n_objects)]
    for model, cls in (("bazin", lc.BazinFit), ("villar", lc.VillarFit)):
        names = [s for s in feature_definitions("transient") if s.startswith(model)]
        lcf = LightCurveFeatures(features=names).fit(seq)
        lcf.transform(seq[:20])  # compile / load the kernels
        sk = rate(lambda lcf=lcf: lcf.transform(seq), n_objects, repeat=2)
        label = f"{model} fit ({len(names)})"
        rows.append((label, "skastro", sk, None))
        best, best_alg = 0.0, ""
        for alg in ("lmsder", "mcmc"):
            try:
                ex = cls(alg)
            except (ValueError, NotImplementedError):
                continue  # not compiled into this light-curve build
            r = rate(lambda ex=ex: ex.many(curves, n_jobs=1), n_objects)
            if r > best:
                best, best_alg = r, alg
        rows.append((label, f"light-curve {best_alg}", best, sk / best))
    # the multi-band fits: 3 bands of n_points / 3 points sharing the shape,
    # against light-curve's fit of each band on its own (it has no shared fit)
    band = np.arange(n_points) % 3
    multi = [np.column_stack([t[i], flux[i], err[i], band]) for i in range(n_objects)]
    per_band = [
        (t[i][band == b], flux[i][band == b], err[i][band == b])
        for i in range(n_objects)
        for b in range(3)
    ]
    for model, cls in (("bazin", lc.BazinFit), ("villar", lc.VillarFit)):
        lcf = LightCurveFeatures(features=[f"{model}_multiband"]).fit(multi)
        lcf.transform(multi[:20])
        sk = rate(lambda lcf=lcf: lcf.transform(multi), n_objects, repeat=2)
        label = f"{model} multi-band fit (3 bands)"
        rows.append((label, "skastro", sk, None))
        ex = cls("lmsder")
        r = rate(lambda ex=ex: ex.many(per_band, n_jobs=1), n_objects)
        rows.append((label, "light-curve lmsder per band", r, sk / r))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller N")
    parser.add_argument("--memory", action="store_true", help="10^6 x 100 RSS check")
    args = parser.parse_args(argv)
    if args.memory:
        n = 10**5 if args.quick else 10**6
        subprocess.run([sys.executable, "-c", MEMORY_SCRIPT.format(N=n)], check=True)
        return
    print(f"load average: {os.getloadavg()}, cpus: {os.cpu_count()}")
    for n_objects, n_points, n_pg, n_slow in (
        (10**4, 100, 300, 20),
        (10**3, 1000, 100, 10),
    ):
        if args.quick:
            n_objects, n_pg, n_slow = n_objects // 10, n_pg // 5, 5
        seq, t, m, e, _ = make_curves(n_objects, n_points)
        rows: list = []
        bench_stats(seq, t, m, e, rows)
        bench_periodogram(seq, t, m, e, min(n_pg, n_objects), rows)
        bench_all_vs_round6(seq, min(n_pg, n_objects), rows)
        bench_feets_cesium(seq, t, m, e, n_slow, rows)
        bench_transient(min(n_pg, n_objects) * 3, n_points, rows)
        print(f"\nN = {n_objects}, n = {n_points} points per light curve")
        head = ("features", "implementation", "curves/s", "skastro/peer")
        print(f"{head[0]:38s} {head[1]:26s} {head[2]:>12s} {head[3]:>13s}")
        for label, impl, r, ratio in rows:
            ratio_s = f"{ratio:13,.2f}" if ratio is not None else ""
            r_s = f"{r:12,.1f}" if r >= 10 else f"{r:12.3g}"
            print(f"{label:38s} {impl:26s} {r_s} {ratio_s}")


if __name__ == "__main__":
    main()
