"""Tests for skastro.ensemble.TunedPriorsClassifier."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from skastro.ensemble import HierarchicalClassifier, TunedPriorsClassifier

TAXONOMY = {"point": ["STAR", "QSO"], "extended": ["GALAXY"]}


def _overlapping(n=(400, 400, 40), seed=0):
    """STAR and GALAXY apart, a rare QSO overlapping STAR."""
    rng = np.random.RandomState(seed)
    X = np.r_[
        rng.normal((0, 0), 1, (n[0], 2)),
        rng.normal((4, 4), 1, (n[1], 2)),
        rng.normal((1.2, -1.2), 1, (n[2], 2)),
    ]
    y = np.array(["STAR"] * n[0] + ["GALAXY"] * n[1] + ["QSO"] * n[2])
    return X, y


def test_weights_raise_the_rare_class_and_the_score():
    # a plain logistic regression under-predicts the rare overlapping class;
    # the fitted weights favour it, and the out-of-fold macro-F1 under the
    # weights is at least the unweighted one (the search starts there)
    X, y = _overlapping()
    clf = TunedPriorsClassifier(LogisticRegression()).fit(X, y)
    assert clf.classes_.tolist() == ["GALAXY", "QSO", "STAR"]
    assert clf.prior_weights_.max() == 1.0
    assert clf.prior_weights_[1] > clf.prior_weights_[2]
    assert clf.best_score_ >= clf.base_score_
    assert clf.recall_shortfall_ == 0.0
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(1)])


def test_min_recall_bound_holds_out_of_fold_and_on_new_data():
    # "maximise macro-F1 subject to QSO recall >= 0.9": the bound holds on
    # the out-of-fold probabilities it was fitted on and, approximately, on
    # fresh data from the same distribution
    X, y = _overlapping()
    X_new, y_new = _overlapping(seed=1)
    clf = TunedPriorsClassifier(LogisticRegression(), min_recall={"QSO": 0.9})
    clf.fit(X, y)
    assert clf.recall_shortfall_ == 0.0
    plain = TunedPriorsClassifier(LogisticRegression()).fit(X, y)
    recall = recall_score(y_new, clf.predict(X_new), labels=["QSO"], average=None)
    assert recall[0] >= 0.85
    assert (
        recall[0]
        > recall_score(y_new, plain.predict(X_new), labels=["QSO"], average=None)[0]
    )


def test_unreachable_bound_reports_its_shortfall():
    # a recall of 1.01 cannot be reached: the weights come as close as the
    # search range allows and the remaining shortfall is reported
    X, y = _overlapping()
    clf = TunedPriorsClassifier(
        LogisticRegression(), min_recall={"QSO": 1.01}, log_weight_range=1.0
    ).fit(X, y)
    assert clf.recall_shortfall_ > 0


def test_unknown_bound_class_is_named():
    X, y = _overlapping()
    clf = TunedPriorsClassifier(LogisticRegression(), min_recall={"AGN": 0.9})
    with pytest.raises(ValueError, match=r"min_recall names \['AGN'\]"):
        clf.fit(X, y)


def test_bound_by_name_under_encoded_labels_says_why():
    # cross_val_predict(method="predict_proba") fits on the codes 0 .. k-1;
    # a bound that names a class then fails with the reason and the fix
    X, y = _overlapping()
    clf = TunedPriorsClassifier(LogisticRegression(), min_recall={"QSO": 0.9})
    with pytest.raises(ValueError, match=r"codes 0 \.\. k-1.*method='predict'"):
        cross_val_predict(clf, X, y, cv=3, method="predict_proba")


def test_nested_in_cross_val_predict_is_honest():
    # nested in cross_val_predict, the weights are fitted on the training
    # folds only; the outer predictions keep the class names and score at
    # least as well as the untuned classifier on the same folds
    X, y = _overlapping()
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    tuned = cross_val_predict(TunedPriorsClassifier(LogisticRegression()), X, y, cv=cv)
    plain = cross_val_predict(LogisticRegression(), X, y, cv=cv)
    assert set(tuned) == set(y)
    assert f1_score(y, tuned, average="macro") >= f1_score(y, plain, average="macro")


def test_around_and_inside_hierarchical_classifier():
    # around HierarchicalClassifier the leaf probabilities are tuned; inside
    # it (as the node estimator) each node's children are tuned on that
    # node's samples
    X, y = _overlapping(n=(200, 200, 30))
    around = TunedPriorsClassifier(
        HierarchicalClassifier(TAXONOMY, LogisticRegression()), cv=3
    ).fit(X, y)
    assert around.classes_.tolist() == ["GALAXY", "QSO", "STAR"]
    inside = HierarchicalClassifier(
        TAXONOMY, TunedPriorsClassifier(LogisticRegression(), cv=3)
    ).fit(X, y)
    assert inside.estimators_["point"].prior_weights_.shape == (2,)
    np.testing.assert_allclose(inside.predict_proba(X).sum(axis=1), 1.0)


def test_dataframe_passes_through_to_the_estimator():
    # a DataFrame reaches the inner estimator with its column names
    X, y = _overlapping(n=(100, 100, 20))
    frame = pd.DataFrame(X, columns=["u_g", "g_r"])
    clf = TunedPriorsClassifier(LogisticRegression(), cv=3).fit(frame, y)
    assert clf.feature_names_in_.tolist() == ["u_g", "g_r"]
    assert clf.estimator_.feature_names_in_.tolist() == ["u_g", "g_r"]
    assert clf.predict(frame).shape == (len(y),)
