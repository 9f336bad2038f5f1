"""tune() on real data: SDSS colours (hierarchical classifier), ASAS light curves."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from skastro.model_selection import search_space, tune

optuna = pytest.importorskip("optuna")
from optuna.distributions import FloatDistribution, IntDistribution  # noqa: E402
from optuna.trial import TrialState  # noqa: E402


def _stratified_subset(labels, per_class, seed=0):
    rng = np.random.default_rng(seed)
    return np.sort(
        np.concatenate(
            [
                rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                for c in np.unique(labels)
            ]
        )
    )


def _check_best_score_reproduces(result, estimator, X, y, cv, scoring=None):
    """sklearn's own cross_val_score on the best parameters gives best_score_."""
    best = clone(estimator).set_params(**result.best_params_)
    expected = cross_val_score(best, X, y, cv=cv, scoring=scoring).mean()
    assert result.best_score_ == pytest.approx(expected)


@pytest.mark.slow
def test_tune_colours_and_hierarchical_classifier_on_sdss(require_data):
    from skastro.datasets import fetch_sdss_colors
    from skastro.ensemble import HierarchicalClassifier
    from skastro.preprocessing import PhotometricColors

    home = require_data("sdss_dr14_skyserver_10k")
    sdss = fetch_sdss_colors(data_home=home)
    labels = np.asarray(sdss.target_names)[sdss.target]
    keep = _stratified_subset(labels, 200)  # 200 per class: QSO is not rare here
    X, y = sdss.data[keep], labels[keep]

    pipe = make_pipeline(
        PhotometricColors(),
        HierarchicalClassifier(
            taxonomy={"point": ["STAR", "QSO"], "extended": ["GALAXY"]},
            estimator=RandomForestClassifier(n_estimators=20, random_state=0),
            random_state=0,
        ),
    )
    space = search_space(pipe)
    assert "photometriccolors__pairs" in space
    assert "hierarchicalclassifier__class_weight" in space
    assert "hierarchicalclassifier__estimator__max_depth" in space
    space["hierarchicalclassifier__estimator__n_estimators"] = IntDistribution(10, 30)

    cv = StratifiedKFold(3)
    result = tune(
        pipe,
        X,
        y,
        param_distributions=space,
        scoring="balanced_accuracy",
        cv=cv,
        n_trials=4,
        storage=":memory:",
        random_state=0,
        pruning=False,
    )
    assert set(result.best_params_) == set(space)
    assert result.n_trials_ == 4
    # colours separate stars, galaxies and quasars well
    assert result.best_score_ > 0.85, result.best_score_
    _check_best_score_reproduces(result, pipe, X, y, cv, "balanced_accuracy")
    assert set(result.predict(X[:20])) <= {"STAR", "GALAXY", "QSO"}


@pytest.mark.slow
def test_tune_light_curve_features_pipeline_on_asas(require_data):
    from skastro.datasets import fetch_asas_lightcurves
    from skastro.lightcurve import LightCurveFeatures

    home = require_data("asas_training")
    asas = fetch_asas_lightcurves(data_home=home)
    labels = np.asarray(asas.target_names)[asas.target]
    classes = ["Mira", "Classical_Cepheid", "RR_Lyrae_FM", "W_Ursae_Maj"]
    among = np.flatnonzero(np.isin(labels, classes))
    keep = among[_stratified_subset(labels[among], 20)]
    X, y = [asas.data[i] for i in keep], labels[keep]
    assert len(X) == 80

    pipe = make_pipeline(
        LightCurveFeatures(
            features=["std", "amplitude", "skew", "period_0", "period_0_snr"]
        ),
        RandomForestClassifier(n_estimators=30, random_state=0),
    )
    space = search_space(pipe)
    assert "lightcurvefeatures__oversampling" in space
    # the feature list stays fixed; keep the periodogram grid small for a test
    del space["lightcurvefeatures__features"]
    space["lightcurvefeatures__oversampling"] = FloatDistribution(1.0, 3.0)
    space["lightcurvefeatures__min_period"] = FloatDistribution(0.25, 1.0, log=True)
    space["randomforestclassifier__n_estimators"] = IntDistribution(10, 40)

    cv = StratifiedKFold(2)
    result = tune(
        pipe,
        X,
        y,
        param_distributions=space,
        cv=cv,
        n_trials=3,
        storage=":memory:",
        random_state=0,
    )
    trials = result.study_.get_trials()
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    assert "lightcurvefeatures__oversampling" in result.best_params_
    # four well-separated classes (chance 0.25): amplitude and period tell them
    assert result.best_score_ > 0.6, result.best_score_
    _check_best_score_reproduces(result, pipe, X, y, cv)
