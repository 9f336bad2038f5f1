"""Goal test on real data: ZTF real/bogus detections (SNAD), ROC AUC.

HierarchicalClassifier (flat taxonomy) over a soft vote of boosted trees and
networks reaches a 5-fold ROC AUC of at least 0.95 and beats a plain random
forest by more than 0.005.
"""

import functools

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from skastro.ensemble import HierarchicalClassifier


@pytest.mark.slow
def test_ztf_realbogus_roc_auc(require_data):
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        RandomForestClassifier,
        VotingClassifier,
    )
    from sklearn.model_selection import cross_val_score
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import FunctionTransformer, QuantileTransformer
    from threadpoolctl import threadpool_limits

    from skastro.datasets import fetch_ztf_realbogus

    bunch = fetch_ztf_realbogus(data_home=require_data("snad_ztf_realbogus"))
    X, y, names = bunch.data, bunch.target, list(bunch.feature_names)
    # seven statistics are given both on magnitudes and on fluxes; how much
    # they differ measures how far the variation is from small (a real
    # transient's brightening is not symmetric in magnitude and flux)
    stats = ["anderson_darling_normal", "cusum", "eta_e", "kurtosis", "chi2"]
    stats += ["skew", "stetson_K"]
    magn = [names.index(f"{s}_magn_r") for s in stats]
    flux = [names.index(f"{s}_flux_r") for s in stats]

    def magn_minus_flux(X):
        X = np.asarray(X, dtype=float)
        return np.column_stack([X, X[:, magn] - X[:, flux]])

    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    # three boosted-tree models with large trees (63 leaves) on a random 30 %
    # of the features per split, soft-voted with five networks on
    # quantile-normalised features: weight 0.6 to the trees, 0.4 to the
    # networks (the networks' shape and weight come from CV seeds 1 and 2;
    # this test reads seed 0). HierarchicalClassifier's random_state seeds
    # every member differently
    trees = [
        (
            f"hgb{k}",
            HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=300,
                max_leaf_nodes=63,
                min_samples_leaf=20,
                max_features=0.3,
            ),
        )
        for k in range(3)
    ]
    networks = [
        (
            f"mlp{k}",
            make_pipeline(
                QuantileTransformer(output_distribution="normal", n_quantiles=500),
                MLPClassifier(
                    (256, 128, 64),
                    alpha=3e-2,
                    max_iter=300,
                    early_stopping=True,
                    n_iter_no_change=20,
                ),
            ),
        )
        for k in range(5)
    ]
    vote = VotingClassifier(
        trees + networks, voting="soft", weights=[0.6 / 3] * 3 + [0.4 / 5] * 5
    )
    model = make_pipeline(
        FunctionTransformer(magn_minus_flux),
        HierarchicalClassifier(estimator=vote, random_state=0),
    )
    # one BLAS/OpenMP thread per fold: on a busy machine more only spin
    with threadpool_limits(1):
        auc = cross_val_score(model, X, y, cv=cv, scoring="roc_auc", n_jobs=2).mean()
    forest = RandomForestClassifier(200, random_state=0, n_jobs=2)
    auc_rf = cross_val_score(forest, X, y, cv=cv, scoring="roc_auc").mean()
    print(
        f"\nZTF real/bogus, 5-fold ROC AUC: HierarchicalClassifier(soft vote "
        f"of 3 HistGradientBoosting and 5 MLP, magnitude-minus-flux statistics) "
        f"{auc:.4f}, plain RandomForest(200) {auc_rf:.4f}"
    )
    # the goal: ROC AUC >= 0.95 (the published random forests reach
    # 0.93-0.95), with a margin over the plain forest on the same folds
    assert auc >= 0.95
    assert auc > auc_rf + 0.005


@functools.cache
def _default_auc(data_home):
    """Seed-0 5-fold ROC AUC of HierarchicalClassifier(random_state=0)."""
    from sklearn.model_selection import cross_val_score
    from threadpoolctl import threadpool_limits

    from skastro.datasets import fetch_ztf_realbogus

    X, y = fetch_ztf_realbogus(data_home=data_home, return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    # one OpenMP thread per fold, two folds at once
    with threadpool_limits(1):
        auc = cross_val_score(
            HierarchicalClassifier(random_state=0),
            X,
            y,
            cv=cv,
            scoring="roc_auc",
            n_jobs=2,
        ).mean()
    print(f"\nZTF real/bogus, 5-fold ROC AUC, default arguments: {auc:.4f}", end="")
    return auc


@pytest.fixture
def ztf_default_auc(require_data):
    return _default_auc(require_data("snad_ztf_realbogus"))


@pytest.mark.slow
def test_ztf_realbogus_defaults(ztf_default_auc):
    # the default node estimator (balanced boosted trees, a forest and
    # networks, voted) on the raw statistics reaches the published random forests'
    # range (0.93-0.95)
    assert ztf_default_auc >= 0.94


@pytest.mark.slow
@pytest.mark.xfail(
    reason="goal of issue #16 not reached by the defaults: 0.947 at seed 0 "
    "(CV seeds 1-3, out-of-fold probabilities pooled: 0.949, 0.947, 0.950); "
    "the soft vote above reaches it",
    strict=True,
    raises=AssertionError,
)
def test_ztf_realbogus_defaults_goal(ztf_default_auc):
    # the goal: ROC AUC >= 0.95 with default arguments
    assert ztf_default_auc >= 0.95
