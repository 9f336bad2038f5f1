"""Extreme deconvolution: XDGaussianMixture against astroML's XDGMM.

Seeded data from a ``--components``-component mixture in ``--dims``
dimensions with heteroscedastic, correlated per-sample error covariances.
Both implementations run the same EM update (Bovy, Hogg & Roweis 2011,
eqs. 16-18) from the same starting parameters; printed per EM iteration
(best of ``--iterations``): skastro's vectorised step (``em_step``, which
also yields the log-likelihood), astroML's ``XDGMM._EMstep`` followed by
its ``logL`` (what one iteration of ``XDGMM.fit`` runs), and the ratio
astroML / skastro. Then a whole ``XDGaussianMixture.fit`` (k-means start,
up to ``--max-iter`` iterations). Prints, never asserts.

Run::

    python benchmarks/bench_xd.py                  # 10^5 x 5 dims x 10 components
    python benchmarks/bench_xd.py --n 20000        # quicker
    python benchmarks/bench_xd.py --no-astroml     # skastro only
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from skastro.mixture import XDGaussianMixture
from skastro.mixture._xd_em import em_step


def make_data(n, dims, components, seed=0):
    """Noisy draws from a random mixture and their error covariances."""
    rng = np.random.default_rng(seed)
    means = rng.uniform(-10, 10, size=(components, dims))
    A = rng.normal(0, 1, size=(components, dims, dims))
    covs = A @ A.transpose(0, 2, 1) / dims + 0.1 * np.eye(dims)
    comp = rng.integers(components, size=n)
    truth = means[comp] + np.einsum(
        "nab,nb->na", np.linalg.cholesky(covs)[comp], rng.normal(size=(n, dims))
    )
    B = rng.normal(0, 0.5, size=(n, dims, dims))
    S = B @ B.transpose(0, 2, 1) / dims
    noise = np.einsum("nab,nb->na", np.linalg.cholesky(S), rng.normal(size=(n, dims)))
    return truth + noise, S


def _best_time(step, iterations):
    times = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="samples")
    parser.add_argument("--dims", type=int, default=5)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=3, help="timed EM steps")
    parser.add_argument("--max-iter", type=int, default=100, help="of the full fit")
    parser.add_argument("--no-astroml", action="store_true")
    args = parser.parse_args(argv)

    X, S = make_data(args.n, args.dims, args.components)
    # a common start: a few iterations of the fit itself
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = XDGaussianMixture(args.components, max_iter=2, random_state=0)
        start.fit(X, X_err=S)
    params = (start.weights_, start.means_, start.covariances_)
    print(
        f"extreme deconvolution: {args.n:,} samples x {args.dims} dims x "
        f"{args.components} components, full error covariances"
    )

    ours = _best_time(lambda: em_step(X, S, *params, 0.0), args.iterations)
    print(f"  skastro em_step         {ours:8.3f} s / iteration")
    if not args.no_astroml:
        try:
            from astroML.density_estimation import XDGMM
        except ImportError:
            print("  astroML not installed (pip install astroML): skipped")
        else:
            ref = XDGMM(args.components)

            def astroml_step():
                ref.alpha, ref.mu, ref.V = (p.copy() for p in params)
                ref._EMstep(X, S)
                ref.logL(X, S)

            theirs = _best_time(astroml_step, args.iterations)
            print(f"  astroML XDGMM iteration {theirs:8.3f} s / iteration")
            print(f"  ratio astroML / skastro {theirs / ours:8.1f}x")

    xd = XDGaussianMixture(args.components, max_iter=args.max_iter, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t0 = time.perf_counter()
        xd.fit(X, X_err=S)
        total = time.perf_counter() - t0
    print(
        f"  skastro full fit        {total:8.1f} s ({xd.n_iter_} iterations, "
        f"converged={xd.converged_}, {total / xd.n_iter_:.3f} s / iteration "
        "with k-means start)"
    )


if __name__ == "__main__":
    main()
