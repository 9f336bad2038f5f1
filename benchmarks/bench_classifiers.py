"""Overhead of HierarchicalClassifier (flat) over a bare BalancedRandomForest.

The same BalancedRandomForestClassifier (same parameters, same seed) is fitted
and used to predict probabilities twice on the same seeded data: bare, and as
the single root node of ``HierarchicalClassifier(taxonomy=None)``. Printed:
fit and predict_proba times (best of ``--repeat`` runs), and the ratio
skastro / bare (goal: <= 1.1). A second table times a two-level taxonomy for
scale (it fits two forests, so its ratio is not an overhead). Last, the
default ``HierarchicalClassifier(random_state=0)`` (balanced boosted trees,
a forest of small bootstraps and small networks, soft-voted, per node)
against the bare forest with 100 trees (goal: fit <= 2x). Every model runs on
``--n-jobs`` threads (the boosted trees' OpenMP threads and the networks'
BLAS threads are limited to
match the forests' joblib workers). Prints, never asserts.

Run::

    python benchmarks/bench_classifiers.py            # 20,000 x 10, 3 classes
    python benchmarks/bench_classifiers.py --n 5000   # quicker
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.datasets import make_classification
from threadpoolctl import threadpool_limits

from skastro.ensemble import HierarchicalClassifier


def _time(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="training samples")
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    X, y = make_classification(
        n_samples=2 * args.n,
        n_features=args.features,
        n_informative=min(args.features, 6),
        n_classes=3,
        weights=[0.5, 0.42, 0.08],  # a rare class, as QSOs among SDSS spectra
        random_state=0,
    )
    X_train, y_train, X_test = X[: args.n], y[: args.n], X[args.n :]

    def forest():
        return BalancedRandomForestClassifier(
            n_estimators=args.trees,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            n_jobs=args.n_jobs,
            random_state=0,
        )

    bare = forest()
    flat = HierarchicalClassifier(estimator=forest())
    tree = HierarchicalClassifier({"common": [0, 1], "rare": [2]}, forest())
    default = HierarchicalClassifier(random_state=0)
    rows = [("bare BalancedRandomForest", bare), ("Hierarchical (flat)", flat)]
    extra = [("Hierarchical (2 levels)", tree), ("Hierarchical (defaults)", default)]

    print(
        f"n_train={args.n} n_test={len(X_test)} features={args.features} "
        f"trees={args.trees} n_jobs={args.n_jobs} best of {args.repeat}"
    )
    # bare and flat runs interleave, so a busy machine slows both alike
    times = {name: ([], []) for name, _ in [*rows, *extra]}
    with threadpool_limits(args.n_jobs):
        for _ in range(args.repeat):
            for name, est in [*rows, *extra]:
                times[name][0].append(_time(lambda e=est: e.fit(X_train, y_train)))
                times[name][1].append(_time(lambda e=est: e.predict_proba(X_test)))
    results = {}
    for name, (fits, preds) in times.items():
        (fit, fit_cpu), (pred, _) = min(fits), min(preds)
        results[name] = (fit, pred, fit_cpu)
        print(
            f"{name:<26} fit {fit:8.3f} s (CPU {fit_cpu:7.3f} s)   predict_proba "
            f"{pred:8.3f} s ({len(X_test) / pred:,.0f} rows/s)"
        )
    np.testing.assert_array_equal(  # the same model, so the same numbers
        bare.predict_proba(X_test), flat.predict_proba(X_test)
    )
    b_fit, b_pred, b_cpu = results["bare BalancedRandomForest"]
    f_fit, f_pred, _ = results["Hierarchical (flat)"]
    print(
        f"overhead ratio (flat / bare): fit {f_fit / b_fit:.3f}, "
        f"predict_proba {f_pred / b_pred:.3f} (goal <= 1.1)"
    )
    d_fit, _, d_cpu = results["Hierarchical (defaults)"]
    # CPU time is the fairer figure on a busy machine: both run one thread
    print(
        f"default estimator / bare BalancedRandomForest({args.trees}): fit "
        f"{d_fit / b_fit:.3f} wall, {d_cpu / b_cpu:.3f} CPU (goal <= 2)"
    )


if __name__ == "__main__":
    main()
