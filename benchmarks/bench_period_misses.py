"""What the re-ranked period picks when it misses, per variable-star subtype.

For each class of :func:`~skastro.datasets.make_light_curves` (``"rrlyrae"``,
``"eclipsing"``, ``"multiperiodic"``) and each survey cadence (``"dense"``,
``"sparse"``), ugriz, ``min_period=0.05``, ``max_period=20``, over the seeds
given, prints the fraction of objects whose ``period_multiband_0`` (the raw
top peak) and ``period_multiband_best`` (the re-ranked period) are within
1 % of the truth (the orbital period of a binary, the dominant mode of a
multi-periodic star), and per subtype (RRab, RRc, detached, contact, RRd,
dSct) what ``period_multiband_best`` is instead:

- ``P/2`` / ``2P``: half / twice the truth;
- ``other mode``: within 1 % of a secondary period of the star;
- ``alias``: a daily beat alias ``f +- k`` or ``2f +- k`` (k = 1, 2
  cycles/day) of the true frequency ``f``, or ``f / 2 +- k``;
- ``other``: none of these (the truth is usually not among the candidates).

This is the table of the light-curve guide's "How periods are found".
Never asserts.

Usage::

    python benchmarks/bench_period_misses.py [--n 60] [--seeds 1 2 3]
        [--n-candidates 5]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from skastro.datasets import make_light_curves
from skastro.lightcurve import LightCurveFeatures

KINDS = ("rrlyrae", "eclipsing", "multiperiodic")
CADENCES = ("dense", "sparse")


def classify(found, true, secondary):
    """What ``found`` is relative to the true period (see the docstring)."""
    ratio = found / true
    if abs(ratio - 1) < 0.01:
        return "ok"
    if abs(ratio - 0.5) < 0.005:
        return "P/2"
    if abs(ratio - 2) < 0.02:
        return "2P"
    if any(np.isfinite(s) and abs(found / s - 1) < 0.01 for s in secondary):
        return "other mode"
    f, f_true = 1 / found, 1 / true
    for k in (1, 2, -1, -2):
        for mult, tol in ((1.0, 0.01), (2.0, 0.02), (0.5, 0.01)):
            if abs(f - (mult * f_true + k)) < tol * f_true:
                return "alias"
    return "other"


def run(kind, cadence, seeds, n, n_candidates):
    """(raw rate, best rate, {subtype: (count, rate, Counter of misses)})."""
    raw_hits, best_hits, per = [], [], {}
    for seed in seeds:
        lcs = make_light_curves(
            n, classes=(kind,), bands=tuple("ugriz"), cadence=cadence,
            random_state=seed,
        )  # fmt: skip
        lcf = LightCurveFeatures(
            features=["period_multiband", "period_multiband_best"],
            n_peaks=1,
            bands=list(range(5)),
            min_period=0.05,
            max_period=20.0,
            n_candidates=n_candidates,
            n_jobs=1,
        )
        X = lcf.fit_transform(lcs.data)
        names = lcf.get_feature_names_out().tolist()
        raw = X[:, names.index("period_multiband_0")]
        best = X[:, names.index("period_multiband_best")]
        for i in range(n):
            secondary = lcs.secondary_periods[i]
            raw_hits.append(classify(raw[i], lcs.periods[i], secondary) == "ok")
            what = classify(best[i], lcs.periods[i], secondary)
            best_hits.append(what == "ok")
            per.setdefault(lcs.subtypes[i], Counter())[what] += 1
    return float(np.mean(raw_hits)), float(np.mean(best_hits)), per


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60, help="objects per seed")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--n-candidates", type=int, default=5)
    args = parser.parse_args()
    print(
        f"make_light_curves(n={args.n}, bands=ugriz) x seeds {args.seeds};"
        f" n_candidates={args.n_candidates}; true period within 1 %"
    )
    for kind in KINDS:
        for cadence in CADENCES:
            start = time.perf_counter()
            raw, best, per = run(kind, cadence, args.seeds, args.n, args.n_candidates)
            seconds = time.perf_counter() - start
            print(
                f"{kind:14s} {cadence:7s} raw peak {raw:.3f}"
                f"  period_multiband_best {best:.3f}  ({seconds:.0f} s)"
            )
            for subtype, counts in sorted(per.items()):
                total = sum(counts.values())
                misses = ", ".join(
                    f"{k} {v}" for k, v in counts.most_common() if k != "ok"
                )
                print(
                    f"    {subtype:9s} n={total:4d}"
                    f"  {counts['ok'] / total:.2f}  misses: {misses or '-'}"
                )


if __name__ == "__main__":
    main()
