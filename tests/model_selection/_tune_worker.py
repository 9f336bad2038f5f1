"""Run one ``skastro.model_selection.tune`` call in its own process.

Used by the crash and concurrency tests: they start this script with
``python _tune_worker.py STORAGE OUT_JSON [options]``, kill it or run two at
once, then read the study back from the storage. Each fit sleeps ``--delay``
seconds so a test can kill the process mid-study.
"""

import argparse
import json
import sys
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


class SlowCentroidClassifier(ClassifierMixin, BaseEstimator):
    """Nearest shrunken centroid whose fit takes at least ``delay`` seconds.

    Cheap on purpose: these tests exercise the study storage, not a model.
    """

    def __init__(self, shrink=0.0, delay=0.1):
        self.shrink = shrink
        self.delay = delay

    def fit(self, X, y):
        time.sleep(self.delay)
        self.classes_ = np.unique(y)
        centroids = np.array([X[y == c].mean(axis=0) for c in self.classes_])
        self.centroids_ = centroids * (1.0 - self.shrink)
        return self

    def predict(self, X):
        d = ((X[:, None, :] - self.centroids_[None]) ** 2).sum(axis=-1)
        return self.classes_[d.argmin(axis=1)]


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("storage")
    parser.add_argument("out")
    parser.add_argument("--n-trials", type=int, default=8)
    parser.add_argument("--delay", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--heartbeat", type=int, default=0)
    args = parser.parse_args(argv)

    from optuna.distributions import FloatDistribution

    from skastro.model_selection import tune

    storage = args.storage
    if args.heartbeat:
        from optuna.storages import RDBStorage

        storage = RDBStorage(
            args.storage,
            engine_kwargs={"connect_args": {"timeout": 120}},
            heartbeat_interval=args.heartbeat,
            grace_period=2 * args.heartbeat,
        )
    rng = np.random.default_rng(0)  # same data in every process
    X = rng.normal(size=(90, 4))
    y = (X[:, 0] + 0.5 * rng.normal(size=90) > 0).astype(int)
    result = tune(
        SlowCentroidClassifier(delay=args.delay),
        X,
        y,
        param_distributions={"shrink": FloatDistribution(0.0, 0.9)},
        cv=3,
        n_trials=args.n_trials,
        storage=storage,
        pruning=False,
        random_state=args.seed,
    )
    with open(args.out, "w") as fh:
        json.dump(
            {
                "study_name": result.study_name_,
                "trials_run": result.trials_run_,
                "n_trials": result.n_trials_,
            },
            fh,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
