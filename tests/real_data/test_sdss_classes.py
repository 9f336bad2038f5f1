"""Goal test on real data: SDSS DR14 spectroscopic classes from colours.

HierarchicalClassifier with given priors, over a soft vote of networks and
boosted trees on the four colours and r, recovers quasars (recall >= 0.95)
without losing the other classes (macro-F1 >= 0.955), and beats a plain and
a balanced random forest on both numbers.
"""

import functools

import numpy as np
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.metrics import recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.ensemble import HierarchicalClassifier


@pytest.mark.slow
def test_sdss_qso_recall_and_macro_f1(require_data):
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        RandomForestClassifier,
        VotingClassifier,
    )
    from sklearn.metrics import f1_score
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    from skastro.datasets import fetch_sdss_colors
    from skastro.preprocessing import PhotometricColors

    mags, y = fetch_sdss_colors(
        data_home=require_data("sdss_dr14_skyserver_10k"),
        as_frame=True,
        return_X_y=True,
    )
    y = y.to_numpy().astype(str)

    def colours_and_r(clf):
        features = ColumnTransformer(
            [
                ("colours", PhotometricColors(), ["u", "g", "r", "i", "z"]),
                ("r", "passthrough", ["r"]),
            ]
        )
        return make_pipeline(features, clf)

    # smooth models of the colour space (three networks, averaged to cut
    # their seed-to-seed scatter) with a boosted-tree model of small trees,
    # soft-voted. One number sets the priors: QSOs get q = 0.22 of the mass
    # (the sample has 8.5 %), galaxies and stars share the rest in their
    # sample ratio. q and the boosted trees' settings come from CV seeds 1
    # and 2; this test reads seed 0, which played no part in choosing them
    members = [
        (
            f"mlp{k}",
            make_pipeline(
                StandardScaler(),
                MLPClassifier(
                    (64, 64),
                    batch_size=1000,
                    learning_rate_init=0.01,
                    max_iter=500,
                    random_state=k,
                ),
            ),
        )
        for k in range(3)
    ]
    members.append(
        (
            "hgb",
            HistGradientBoostingClassifier(
                learning_rate=0.05, max_iter=400, max_leaf_nodes=15, random_state=0
            ),
        )
    )
    q = 0.22
    n_galaxy, n_star = np.sum(y == "GALAXY"), np.sum(y == "STAR")
    priors = [  # GALAXY, QSO, STAR
        (1 - q) * n_galaxy / (n_galaxy + n_star),
        q,
        (1 - q) * n_star / (n_galaxy + n_star),
    ]
    skastro = HierarchicalClassifier(
        estimator=VotingClassifier(members, voting="soft", n_jobs=2), priors=priors
    )
    models = {
        "skastro": skastro,
        "RandomForest": RandomForestClassifier(200, random_state=0, n_jobs=2),
        "BalancedRandomForest": BalancedRandomForestClassifier(
            n_estimators=200,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            random_state=0,
            n_jobs=2,
        ),
    }
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = {}
    for name, clf in models.items():
        # 64-wide networks gain nothing from threaded BLAS, which only
        # spins on a busy machine
        with threadpool_limits(1):
            pred = cross_val_predict(colours_and_r(clf), mags, y, cv=cv)
        scores[name] = (
            f1_score(y, pred, average="macro"),
            recall_score(y, pred, labels=["QSO"], average=None)[0],
        )
        print(
            f"\nSDSS colours + r, {name}: macro-F1 {scores[name][0]:.4f}, "
            f"QSO recall {scores[name][1]:.4f}",
            end="",
        )
    f1, recall = scores["skastro"]
    # the goal: QSO recall >= 0.95 with macro-F1 >= 0.955, and both numbers
    # above those of the plain and the balanced random forest on the same
    # folds
    assert recall >= 0.95
    assert f1 >= 0.955
    assert f1 > scores["RandomForest"][0]
    assert recall > scores["RandomForest"][1]
    assert f1 > scores["BalancedRandomForest"][0]
    assert recall > scores["BalancedRandomForest"][1]


# --------------------------------------------------------------------------
# the defaults: HierarchicalClassifier(random_state=0) on colours and
# magnitudes, as a new user writes it, with and without fitted priors
# --------------------------------------------------------------------------


@pytest.fixture
def sdss_default_scores(require_data):
    """The scores of :func:`_default_scores`, computed once per session."""
    return _default_scores(require_data("sdss_dr14_skyserver_10k"))


@functools.cache
def _default_scores(data_home):
    """Seed-0 5-fold (macro-F1, QSO recall) of the default classifier, the
    default classifier with priors tuned for QSO recall >= 0.955 out of fold,
    and a bare balanced forest of 100 trees, on colours and magnitudes."""
    from sklearn.metrics import f1_score
    from threadpoolctl import threadpool_limits

    from skastro.datasets import fetch_sdss_colors
    from skastro.ensemble import TunedPriorsClassifier
    from skastro.preprocessing import PhotometricColors

    mags, y = fetch_sdss_colors(data_home=data_home, as_frame=True, return_X_y=True)
    mags, y = mags[list("ugriz")], y.to_numpy().astype(str)
    models = {
        "default": HierarchicalClassifier(random_state=0),
        # the bound sits 0.005 above the goal: the weights are fitted on the
        # training folds' out-of-fold recall, which the test fold reaches
        # only up to its sampling scatter
        "tuned": TunedPriorsClassifier(
            HierarchicalClassifier(random_state=0), min_recall={"QSO": 0.955}
        ),
        "BalancedRandomForest": BalancedRandomForestClassifier(
            n_estimators=100,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            random_state=0,
        ),
    }
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    scores = {}
    for name, clf in models.items():
        model = make_pipeline(
            PhotometricColors(bands=list("ugriz"), keep_magnitudes=True), clf
        )
        # two folds at once (joblib gives each worker cores / 2 threads; more
        # threads for the boosted trees and the network only spin on a shared
        # machine)
        with threadpool_limits(1):
            pred = cross_val_predict(model, mags, y, cv=cv, n_jobs=2)
        scores[name] = (
            f1_score(y, pred, average="macro"),
            recall_score(y, pred, labels=["QSO"], average=None)[0],
        )
        print(
            f"\nSDSS colours + magnitudes, {name}: macro-F1 "
            f"{scores[name][0]:.4f}, QSO recall {scores[name][1]:.4f}",
            end="",
        )
    return scores


@pytest.mark.slow
def test_sdss_defaults_beat_the_balanced_forest_on_macro_f1(sdss_default_scores):
    # the default node estimator (balanced boosted trees, a forest and
    # networks, voted) separates the three classes better than the balanced
    # forest on the same folds
    f1, _ = sdss_default_scores["default"]
    assert f1 > sdss_default_scores["BalancedRandomForest"][0]


@pytest.mark.slow
def test_sdss_defaults_beat_the_balanced_forest_on_qso_recall(sdss_default_scores):
    # the defaults alone recall more quasars than the balanced forest on the
    # same folds. The margin is within the scatter between CV seeds: on
    # seeds 1-3 the defaults recall 0.951, 0.948 and 0.953 of the quasars,
    # the balanced forest 0.946, 0.947 and 0.948
    _, recall = sdss_default_scores["default"]
    assert recall > sdss_default_scores["BalancedRandomForest"][1]


@pytest.mark.slow
def test_sdss_tuned_priors_reach_the_qso_recall_goal(sdss_default_scores):
    # priors fitted for QSO recall >= 0.955 on out-of-fold probabilities of
    # the training folds hold QSO recall >= 0.95 on the test folds; the
    # macro-F1 paid for it stays >= 0.94 (CV seeds 1-3: 0.947, 0.944, 0.946)
    f1, recall = sdss_default_scores["tuned"]
    assert recall >= 0.95
    assert f1 >= 0.94


@pytest.mark.slow
@pytest.mark.xfail(
    reason="goal of issue #16 not reached by the defaults: at QSO recall "
    ">= 0.95 the defaults' macro-F1 is about 0.945 (seed 0: 0.944; CV seeds "
    "1-3, weights fitted on the other folds: 0.947, 0.944, 0.946)",
    strict=True,
    raises=AssertionError,
)
def test_sdss_tuned_priors_reach_the_macro_f1_goal(sdss_default_scores):
    # the goal: macro-F1 >= 0.955 together with QSO recall >= 0.95
    f1, _ = sdss_default_scores["tuned"]
    assert f1 >= 0.955
