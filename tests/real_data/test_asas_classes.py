"""Goal test on real data: ASAS variable-star classes (Richards et al.).

HierarchicalClassifier over a taxonomy of pulsating, eclipsing and eruptive
variables, on the default LightCurveFeatures of the ASAS light curves,
classifies the stars (accuracy >= 0.81, balanced >= 0.65) and their groups
(>= 0.92, balanced >= 0.85) in 5-fold cross-validation; with the default
node estimator and the taxonomy only, the goal is accuracy >= 0.80.
"""

import functools

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from skastro.ensemble import HierarchicalClassifier

# Richards et al. (2011, 2012) group the ASAS classes into pulsating,
# multi-star (eclipsing) and eruptive variables; rotating and other
# classes go with the eruptive ones here.
ASAS_TAXONOMY = {
    "pulsating": [
        "Beta_Cephei",
        "Classical_Cepheid",
        "Delta_Scuti",
        "LSP",
        "Mira",
        "MultiMode_Cepheid",
        "PopII_Cepheid",
        "Pulsating_Be",
        "RR_Lyrae_DM",
        "RR_Lyrae_FM",
        "RR_Lyrae_FO",
        "RSG",
        "RV_Tauri",
        "SARG_A",
        "SARG_B",
        "SX_Phe",
        "Semireg_PV",
    ],
    "eclipsing": ["Beta_Lyrae", "Beta_Persei", "Ellipsoidal", "W_Ursae_Maj"],
    "eruptive_other": [
        "ChemPeculiar",
        "ClassT_Tauri",
        "Herbig_AEBE",
        "RCB",
        "RS_CVn",
        "S_Doradus",
        "Weakline_T_Tauri",
    ],
}


@functools.cache
def _asas_features(data_home):
    """The default LightCurveFeatures of the ASAS stars of the classes with
    5 members or more, their labels, and the taxonomy restricted to them."""
    from skastro.datasets import fetch_asas_lightcurves
    from skastro.lightcurve import LightCurveFeatures

    bunch = fetch_asas_lightcurves(data_home=data_home)
    labels = bunch.target_names[bunch.target]
    assert set(labels) <= {c for leaves in ASAS_TAXONOMY.values() for c in leaves}
    # 5-fold stratified CV needs 5 stars per class: 6 classes have fewer
    # (13 stars of 810: ClassT_Tauri, MultiMode_Cepheid 4, RR_Lyrae_DM 2,
    # Ellipsoidal, SX_Phe, S_Doradus 1)
    names, counts = np.unique(labels, return_counts=True)
    keep = np.isin(labels, names[counts >= 5])
    assert (~keep).sum() == 13
    curves = [c for c, k in zip(bunch.data, keep) if k]
    y = labels[keep]
    taxonomy = {
        group: [c for c in leaves if c in set(y)]
        for group, leaves in ASAS_TAXONOMY.items()
    }
    # features are per star (fit learns nothing from the other stars), so
    # they are computed once, outside the cross-validation: the defaults,
    # which include the shape of the power spectrum (the highest power and
    # its S/N in each decade of period, from the one periodogram pass)
    lcf = LightCurveFeatures()
    X = np.asarray(lcf.fit_transform(curves), dtype=float)
    assert sum(n.startswith("spectrum_") for n in lcf.get_feature_names_out()) == 10
    return X, y, taxonomy


@pytest.mark.slow
# the smallest nodes have fewer than 200 training stars: sklearn then uses
# one quantile per star, as wanted
@pytest.mark.filterwarnings("ignore:n_quantiles .* is greater than:UserWarning")
def test_asas_variable_stars(require_data):
    from sklearn.ensemble import RandomForestClassifier, VotingClassifier
    from sklearn.metrics import accuracy_score, balanced_accuracy_score
    from sklearn.preprocessing import QuantileTransformer
    from sklearn.svm import SVC

    X, y, taxonomy = _asas_features(require_data("asas_training"))
    X = np.where(np.isfinite(X), X, -999.0)
    # per node, the forest soft-voted with an RBF support-vector machine on
    # quantile-normalised features (weights 0.75 / 0.25). C and the weights
    # come from CV seeds 1 and 2, the spectrum features from seeds 1-4; this
    # test reads seed 0.
    # SVC(probability=True), deprecated in scikit-learn 1.9, stays until its
    # removal in 1.11: CalibratedClassifierCV(SVC(), ensemble=False), the
    # suggested replacement, scores lower on those seeds
    clf = HierarchicalClassifier(
        taxonomy,
        VotingClassifier(
            [
                (
                    "forest",
                    RandomForestClassifier(500, max_features=0.3, criterion="entropy"),
                ),
                (
                    "svc",
                    make_pipeline(
                        QuantileTransformer(
                            output_distribution="normal", n_quantiles=200
                        ),
                        SVC(C=10, probability=True),
                    ),
                ),
            ],
            voting="soft",
            weights=[0.75, 0.25],
        ),
        random_state=0,
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    # two folds at once
    pred = cross_val_predict(clf, X, y, cv=cv, n_jobs=2)
    group_of = {c: g for g, leaves in taxonomy.items() for c in leaves}
    groups = np.array([group_of[c] for c in y])
    pred_groups = np.array([group_of[c] for c in pred])
    scores = {
        "class accuracy": accuracy_score(y, pred),
        "class balanced accuracy": balanced_accuracy_score(y, pred),
        "group accuracy": accuracy_score(groups, pred_groups),
        "group balanced accuracy": balanced_accuracy_score(groups, pred_groups),
    }
    print(
        f"\nASAS, {len(taxonomy)} groups / {len(set(y))} classes, 5-fold: "
        + ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
    )
    # the goals: class accuracy >= 0.812 (Richards et al. 2012 reach an
    # error below 20 % with colours as well; CV seeds 1-3 give 0.811, 0.809,
    # 0.819) and balanced accuracy >= 0.65; the three groups >= 0.92,
    # balanced >= 0.85
    assert scores["group accuracy"] >= 0.92
    assert scores["group balanced accuracy"] >= 0.85
    assert scores["class accuracy"] >= 0.812
    assert scores["class balanced accuracy"] >= 0.65


@pytest.mark.slow
def test_asas_defaults(require_data):
    # the goal: HierarchicalClassifier with the taxonomy and nothing else
    # (the default node estimator, NaN features as they come) classifies
    # the stars with accuracy >= 0.80 on the default LightCurveFeatures.
    # One CV split's accuracy moves by up to 0.015 with its seed (0.797-0.812
    # over seeds 0-3), so the goal is asserted on the mean of three seeds
    from sklearn.metrics import accuracy_score
    from threadpoolctl import threadpool_limits

    X, y, taxonomy = _asas_features(require_data("asas_training"))
    clf = HierarchicalClassifier(taxonomy, random_state=0)
    scores = []
    # two folds at once (joblib gives each worker cores / 2 BLAS/OpenMP
    # threads); in this process one thread: more only spin on a shared machine
    with threadpool_limits(1):
        for seed in (0, 1, 2):
            cv = StratifiedKFold(5, shuffle=True, random_state=seed)
            pred = cross_val_predict(clf, X, y, cv=cv, n_jobs=2)
            scores.append(accuracy_score(y, pred))
    print(f"\nASAS, 5-fold, default arguments: class accuracy {np.round(scores, 3)}")
    assert np.mean(scores) >= 0.80
