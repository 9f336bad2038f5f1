"""Goal test on real data: SDSS DR14 spectroscopic classes from colours.

HierarchicalClassifier with given priors, over a soft vote of networks and
boosted trees on the four colours and r, recovers quasars (recall >= 0.95)
without losing the other classes (macro-F1 >= 0.955), and beats a plain and
a balanced random forest on both numbers.
"""

import numpy as np
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.metrics import recall_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skastro.ensemble import HierarchicalClassifier


def _cv_predict(estimator, X, y, cv):
    """Out-of-fold predictions with the original labels (no re-encoding)."""
    pred = np.empty(len(y), dtype=object)
    for train, test in cv.split(X, y):
        pred[test] = estimator.fit(X.iloc[train], y[train]).predict(X.iloc[test])
    return pred.astype(y.dtype)


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
            pred = _cv_predict(colours_and_r(clf), mags, y, cv)
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
