"""
=================================================================
How fast is it? LightCurveFeatures against light-curve and feets
=================================================================

Surveys such as ZTF and the Rubin Observatory deliver millions of light
curves per night, so the cost per light curve of a feature extractor
matters. :class:`~skastro.lightcurve.LightCurveFeatures` packs a whole batch
of light curves into flat arrays and runs every feature kernel over the
batch at once, instead of looping over objects in Python.

This example runs a small version of the project's benchmark,
``benchmarks/bench_lightcurve.py`` (the full one uses 10,000 light curves
and prints every ratio), single-threaded, on the same seeded light curves for
every implementation:

* the statistics that skastro and `light-curve
  <https://github.com/light-curve/light-curve-python>`_ (Rust) define the
  same way;
* the best Lomb-Scargle period on a shared grid of 32,768 frequencies,
  against light-curve's fast periodogram and a loop over astropy's
  ``LombScargle(...).power(method="fast")``;
* the features that `feets <https://feets.readthedocs.io>`_ (the FATS
  package) has in common with skastro;
* the shared statistics again, on the 810 real ASAS light curves.

The numbers are measured when this page is built, on whatever machine builds
it: read the ratios, not the absolute rates.
"""

# %%
# The benchmark's light curves
# ----------------------------
# 1,000 periodic light curves of 100 points over 1,000 days, periods from
# 0.3 to 30 days, Gaussian noise; generated with a fixed seed by the
# benchmark script itself.
import sys
import warnings
from pathlib import Path
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np

# the repository's benchmarks/ folder, found from this script's folder (or,
# where there is no __file__, as under sphinx-gallery, from the working folder)
try:
    HERE = Path(__file__).resolve().parent
except NameError:
    HERE = Path.cwd()
BENCHMARKS = next(
    p / "benchmarks" for p in (HERE, *HERE.parents) if (p / "benchmarks").is_dir()
)
sys.path.insert(0, str(BENCHMARKS))
import bench_lightcurve as bench

from skastro.lightcurve import LightCurveFeatures

seq, t, m, err, true_period = bench.make_curves(n_objects=1000, n_points=100, seed=0)
print(seq)

# %%
# Statistics and periodogram, from the benchmark script
# -----------------------------------------------------
# Each entry is ``(feature set, implementation, light curves per second,
# skastro / peer)``; the rate is the best of a few repeats.
rows: list = []
bench.bench_stats(seq, t, m, err, rows)
bench.bench_periodogram(seq, t, m, err, 30, rows)

# %%
# feets, on the features it shares with skastro
# ---------------------------------------------
# feets computes one light curve at a time (here with Dask's synchronous
# scheduler, so it is single-threaded like the others); five light curves
# are enough to time it.
import feets

names = [k for k, v in bench.FEETS.items() if v]
space = feets.FeatureSpace(
    only=[bench.FEETS[k] for k in names], dask_options={"scheduler": "synchronous"}
)
n_feets = 5
start = perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # feets warns about its own numerics
    for i in range(n_feets):
        space.extract(time=t[i], magnitude=m[i], error=err[i])
feets_rate = n_feets / (perf_counter() - start)
ours = LightCurveFeatures(features=names).fit(seq)
ours_rate = bench.rate(lambda: ours.transform(seq), len(seq), repeat=3)
label = f"feets common ({len(names)})"
rows += [
    (label, "skastro", ours_rate, None),
    (label, "feets", feets_rate, ours_rate / feets_rate),
]


# %%
# Real light curves: 810 ASAS stars
# ---------------------------------
# The same comparison on the real, unevenly sampled ASAS light curves
# (median 566 points each), for the statistics both packages define.
import light_curve

from skastro.datasets import fetch_asas_lightcurves

asas = fetch_asas_lightcurves()
stats = list(bench.STATS)
ours = LightCurveFeatures(features=stats).fit(asas.data)
extractor = light_curve.Extractor(
    *[getattr(light_curve, name)(*args) for name, args in bench.STATS.values()]
)
# light-curve wants C-contiguous float64 columns
columns = [tuple(np.ascontiguousarray(c) for c in lc.T) for lc in asas.data]
ours_rate = bench.rate(lambda: ours.transform(asas.data), len(columns), repeat=3)
peer_rate = bench.rate(
    lambda: extractor.many(columns, n_jobs=1), len(columns), repeat=3
)
label = f"ASAS, statistics ({len(stats)})"
rows += [
    (label, "skastro", ours_rate, None),
    (label, "light-curve", peer_rate, ours_rate / peer_rate),
]

print(f"{'features':36s} {'implementation':26s} {'curves/s':>12s} {'ratio':>8s}")
for feature_set, impl, rate, ratio in rows:
    ratio_text = f"{ratio:8.2f}" if ratio is not None else ""
    print(f"{feature_set:36s} {impl:26s} {rate:12,.1f} {ratio_text}")

# %%
# The periods are right, too
# --------------------------
# Speed is worthless without correct answers: the recovered ``period_0``
# against the period each synthetic light curve was made with.
periods = LightCurveFeatures(features=["period_0"], min_period=0.2).fit_transform(
    seq[:200]
)[:, 0]
relative = np.abs(periods - true_period[:200]) / true_period[:200]
print(f"period within 1 %: {np.mean(relative < 0.01):.0%} of 200 light curves")

# %%
# Light curves per second
# -----------------------
# One group of bars per feature set, skastro in blue and its peers in
# orange, with the ratio skastro / peer next to each peer (above 1: skastro
# is faster).
fig, ax = plt.subplots(figsize=(9, 7), layout="constrained")
positions, labels, y_pos, previous = [], [], 0.0, None
for feature_set, impl, rate, ratio in rows:
    if previous is not None and feature_set != previous:
        y_pos += 0.6  # a gap between groups
    previous = feature_set
    ax.barh(y_pos, rate, color="C0" if impl.startswith("skastro") else "C1")
    if ratio is not None:
        ax.text(rate * 1.15, y_pos, f"ratio {ratio:.2g}", va="center")
    positions.append(y_pos)
    labels.append(f"{feature_set}: {impl}")
    y_pos += 1
ax.set_yticks(positions, labels, fontsize="small")
ax.invert_yaxis()
ax.set(xscale="log", xlabel="light curves per second (one thread)")
ax.set_title("LightCurveFeatures against its peers")

plt.show()
