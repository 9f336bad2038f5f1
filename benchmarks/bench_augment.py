"""Gaussian-process augmentation of rare ASAS classes, and the GP engines.

Two parts, both printed, never asserted:

- ``engines``: on 40 ASAS light curves (seeded choice), the same model
  (Matern-3/2 kernel, amplitude, time scale and white-noise jitter fitted by
  maximum likelihood) with celerite2 (what LightCurveGPAugmenter uses),
  george (``BasicSolver``, analytic gradients) and scikit-learn's
  ``GaussianProcessRegressor``: fit time per object and the mean log
  predictive density of 20 % held-out points (higher is better).
- ``asas``: balanced accuracy of ``LightCurveFeatures(features="fast") +
  RandomForestClassifier`` under 3-fold stratified cross-validation, with and
  without ``LightCurveGPAugmenter(sampling_strategy=20)`` in front (inside
  an imblearn Pipeline: only the training folds are augmented, every class
  with fewer than 20 training members is brought up to 20), over 3 seeds
  (each seed: the folds, the augmenter and the forest). Classes with fewer
  than 3 members (4 objects) cannot be split in 3 folds and are left out.

Usage::

    SKASTRO_DATA=... python benchmarks/bench_augment.py [--part engines|asas|all]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import StratifiedKFold

from skastro.datasets import fetch_asas_lightcurves
from skastro.lightcurve import LightCurveFeatures, LightCurveGPAugmenter
from skastro.lightcurve._gp import fit_object_gp, log_predictive

SEEDS = (0, 1, 2)


def asas_subset(min_members: int = 3):
    """ASAS light curves of the classes with at least ``min_members``."""
    asas = fetch_asas_lightcurves()
    counts = np.bincount(asas.target)
    keep = counts[asas.target] >= min_members
    X = [asas.data[i] for i in np.flatnonzero(keep)]
    y = asas.target_names[asas.target[keep]]
    return X, y


def pipeline(seed: int, augment: bool, n_trees: int = 300) -> Pipeline:
    steps = []
    if augment:
        steps.append(
            ("augment", LightCurveGPAugmenter(sampling_strategy=20, random_state=seed))
        )
    steps += [
        ("features", LightCurveFeatures(features="fast")),
        (
            "clf",
            RandomForestClassifier(n_estimators=n_trees, random_state=seed, n_jobs=2),
        ),
    ]
    return Pipeline(steps)


def cv_balanced_accuracy(X, y, seed: int, augment: bool, n_splits: int = 3):
    """Mean balanced accuracy over the test folds; the test folds stay as given."""
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    scores = []
    for train, test in cv.split(np.zeros(len(y)), y):
        model = pipeline(seed, augment)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            model.fit([X[i] for i in train], y[train])
            pred = model.predict([X[i] for i in test])
        scores.append(balanced_accuracy_score(y[test], pred))
    return float(np.mean(scores))


def run_asas(seeds=SEEDS) -> list[tuple[int, float, float]]:
    X, y = asas_subset()
    print(f"ASAS: {len(X)} light curves, {len(set(y))} classes, 3-fold CV")
    print(f"{'seed':>4} {'without':>8} {'with GP':>8} {'diff':>7} {'time':>6}")
    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        base = cv_balanced_accuracy(X, y, seed, augment=False)
        aug = cv_balanced_accuracy(X, y, seed, augment=True)
        rows.append((seed, base, aug))
        dt = time.perf_counter() - t0
        print(f"{seed:>4} {base:8.3f} {aug:8.3f} {aug - base:+7.3f} {dt:5.0f}s")
    base, aug = (np.mean([r[i] for r in rows]) for i in (1, 2))
    print(f"mean {base:8.3f} {aug:8.3f} {aug - base:+7.3f}")
    return rows


def _held_out(x, rng):
    test = np.zeros(len(x), dtype=bool)
    test[rng.choice(len(x), len(x) // 5, replace=False)] = True
    return x[~test], x[test]


def _george_fit(train, test):
    import george
    from scipy.optimize import minimize

    t, m, e = train.T
    mean = np.average(m, weights=1 / e**2)
    r = m - mean
    s = max(np.std(r), 1e-3)
    kernel = s**2 * george.kernels.Matern32Kernel(np.median(np.diff(t)) ** 2)
    gp = george.GP(
        kernel,
        white_noise=np.log((0.1 * np.median(e)) ** 2 + 1e-12),
        fit_white_noise=True,
    )
    gp.compute(t, e)

    def nll(p):
        gp.set_parameter_vector(p)
        ll = gp.log_likelihood(r, quiet=True)
        return -ll if np.isfinite(ll) else 1e25

    def grad(p):
        gp.set_parameter_vector(p)
        return -gp.grad_log_likelihood(r, quiet=True)

    res = minimize(nll, gp.get_parameter_vector(), jac=grad, method="L-BFGS-B")
    gp.set_parameter_vector(res.x)
    tt, mt, et = test.T
    mu, var = gp.predict(r, tt, return_var=True)
    var = var + et**2 + np.exp(gp.white_noise.get_parameter_vector()[0])
    return np.mean(-0.5 * ((mt - mean - mu) ** 2 / var + np.log(2 * np.pi * var)))


def _sklearn_fit(train, test):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    t, m, e = train.T
    mean = np.average(m, weights=1 / e**2)
    kernel = ConstantKernel(np.var(m)) * Matern(
        np.median(np.diff(t)), nu=1.5
    ) + WhiteKernel(np.median(e) ** 2 * 0.01)
    gp = GaussianProcessRegressor(kernel, alpha=e**2).fit(t[:, None], m - mean)
    tt, mt, et = test.T
    mu, sd = gp.predict(tt[:, None], return_std=True)
    var = sd**2 + et**2
    return np.mean(-0.5 * ((mt - mean - mu) ** 2 / var + np.log(2 * np.pi * var)))


def _celerite_fit(train, test):
    t, m, e = train.T
    fit = fit_object_gp(t, m, e, np.zeros(len(t), dtype=np.intp), 1)
    tt, mt, et = test.T
    return log_predictive(fit, 0, tt, mt, et)


def run_engines(n_objects: int = 40, seed: int = 0) -> None:
    asas = fetch_asas_lightcurves()
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(asas.data), n_objects, replace=False)
    splits = [_held_out(asas.data[i], rng) for i in picks]
    n_pts = np.median([len(asas.data[i]) for i in picks])
    print(f"GP engines: {n_objects} ASAS light curves, median {n_pts:.0f} points")
    print(f"{'engine':>10} {'ms/object':>10} {'mean log pred. density':>24}")
    engines = {
        "celerite2": _celerite_fit,
        "george": _george_fit,
        "sklearn": _sklearn_fit,
    }
    for name, fn in engines.items():
        try:
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                lpd = [fn(train, test) for train, test in splits]
            dt = (time.perf_counter() - t0) / n_objects * 1e3
        except ImportError:
            print(f"{name:>10} {'not installed':>10}")
            continue
        print(f"{name:>10} {dt:10.1f} {np.median(lpd):24.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["engines", "asas", "all"], default="all")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    args = parser.parse_args()
    if args.part in ("engines", "all"):
        run_engines()
    if args.part in ("asas", "all"):
        run_asas(tuple(args.seeds))


if __name__ == "__main__":
    main()
