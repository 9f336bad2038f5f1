"""TunedPriorsClassifier: per-class prior weights fitted on out-of-fold
probabilities."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing, indexable
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from skastro.ensemble._nodes import inherit_input_tags
from skastro.utils._docstrings import fill_doc
from skastro.utils._tables import is_astropy_table
from skastro.utils._validation import check_n_classes, validate_input


class _Shifted(ClassifierMixin, BaseEstimator):
    """Fixed probabilities as a fitted classifier, for a scorer: whatever
    ``X``, ``predict_proba`` returns ``proba`` (rows in the scored order)."""

    def __init__(self, proba=None, classes=None):
        self.proba = proba
        self.classes = classes

    def fit(self, X=None, y=None):  # pragma: no cover - never fitted
        return self

    @property
    def classes_(self):
        return self.classes

    def predict_proba(self, X):
        return self.proba

    def predict(self, X):
        return self.classes[np.argmax(self.proba, axis=1)]


def _fold_proba(estimator, X, y, train, test, classes):
    """Probabilities of the test fold, in ``classes`` order (0 for a class
    absent from the training fold)."""
    est = clone(estimator).fit(_safe_indexing(X, train), y[train])
    proba = np.zeros((len(test), len(classes)))
    proba[:, np.searchsorted(classes, est.classes_)] = est.predict_proba(
        _safe_indexing(X, test)
    )
    return proba


def _shift(proba, log_weights):
    """``proba`` multiplied by ``exp(log_weights)``, rows renormalised."""
    shifted = proba * np.exp(log_weights - np.max(log_weights))
    total = shifted.sum(axis=1, keepdims=True)
    return np.divide(shifted, total, out=np.zeros_like(shifted), where=total > 0)


@fill_doc
class TunedPriorsClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classifier with per-class prior weights fitted to maximise a score.

    A multi-class decision rule learnt from data: the probabilities of
    ``estimator`` are multiplied by one weight per class and renormalised
    (a shift of the class priors by Bayes' rule), and the class of highest
    shifted probability is predicted. The weights maximise ``scoring`` on
    out-of-fold probabilities: ``fit`` runs its own cross-validation on the
    training data (never on data passed to ``predict``), so the classifier
    nested inside :func:`~sklearn.model_selection.cross_val_predict` is an
    honest estimate. ``min_recall`` turns the search into "maximise the
    score subject to the recall of class C >= r". Then ``estimator`` is
    refitted on all the training data.

    The search is a coordinate ascent over the logarithms of the weights:
    each class's log-weight in turn is set to the best value of a grid
    (``log_weight_range``, steps of 0.1), the others held fixed, until a
    round improves nothing. Weights stay 1 where the score does not move.

    Parameters
    ----------
    estimator : classifier
        Any classifier with ``predict_proba`` (a Pipeline,
        :class:`~skastro.ensemble.HierarchicalClassifier`, ...), cloned for
        every fold and for the final fit.
    scoring : str or callable, default="f1_macro"
        What the weights maximise: a scikit-learn scorer name or a callable
        ``scorer(estimator, X, y)``; it is handed a fitted classifier that
        returns the shifted out-of-fold probabilities.
    min_recall : dict or None, default=None
        Class label -> the least out-of-fold recall, e.g. ``{"QSO": 0.95}``.
        The search first brings every such recall up to its bound, then
        maximises ``scoring`` among the weights that keep the bounds. A
        bound out of reach leaves the weights that come closest; the
        shortfall is in ``recall_shortfall_``.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`~sklearn.model_selection.cross_val_predict`; an integer
        is a :class:`~sklearn.model_selection.StratifiedKFold` without
        shuffling, with at most as many folds as the rarest class has
        samples (at least 2). The test folds must partition the samples.
    log_weight_range : float, default=4.0
        The log-weights are searched in ``[-log_weight_range,
        log_weight_range]``: a weight changes a class's odds by at most
        ``exp(log_weight_range)`` (about 55 for 4).
    n_jobs : int or None, default=None
        Number of folds fitted in parallel with joblib.

    Attributes
    ----------
    estimator_ : classifier
        ``estimator`` fitted on all the training data.
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    prior_weights_ : ndarray of shape (n_classes,)
        The fitted multiplicative weight of every class (the largest is 1).
    base_score_ : float
        ``scoring`` of the out-of-fold probabilities, weights all 1.
    best_score_ : float
        ``scoring`` of the out-of-fold probabilities under
        ``prior_weights_``.
    recall_shortfall_ : float
        Sum over ``min_recall`` of the out-of-fold recall missing to each
        bound under ``prior_weights_`` (0 when every bound holds).
    %(fitted_features)s

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : The binary
        decision threshold, tuned the same way.
    HierarchicalClassifier : Its ``priors`` shift probabilities to given
        priors; wrapped here, its leaf probabilities are tuned.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> import numpy as np
    >>> from skastro.ensemble import TunedPriorsClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, (300, 2)), rng.normal(1.5, 1, (30, 2))]
    >>> y = np.array(["STAR"] * 300 + ["QSO"] * 30)
    >>> clf = TunedPriorsClassifier(
    ...     LogisticRegression(), min_recall={"QSO": 0.8}).fit(X, y)
    >>> clf.classes_
    array(['QSO', 'STAR'], dtype='<U4')
    >>> bool(clf.prior_weights_[0] > clf.prior_weights_[1])
    True
    >>> clf.recall_shortfall_
    0.0
    >>> float((clf.predict(X[y == "QSO"]) == "QSO").mean()) >= 0.7
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "scoring": [StrOptions(set(get_scorer_names())), callable],
        "min_recall": [dict, None],
        "cv": ["cv_object"],
        "log_weight_range": [Interval(Real, 0, None, closed="neither")],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator: BaseEstimator,
        *,
        scoring="f1_macro",
        min_recall: dict | None = None,
        cv=5,
        log_weight_range: float = 4.0,
        n_jobs: int | None = None,
    ):
        self.estimator = estimator
        self.scoring = scoring
        self.min_recall = min_recall
        self.cv = cv
        self.log_weight_range = log_weight_range
        self.n_jobs = n_jobs

    def _validate(self, X, y="no_validation", reset=True):
        """A DataFrame (or astropy Table, made a DataFrame) reaches the
        estimator with its columns; other input is checked as an array of any
        dtype. NaN is refused unless the estimator takes it, before any fold
        is cut (sparse input is left to the estimator)."""
        from sklearn.utils import get_tags

        finite = "allow-nan" if get_tags(self.estimator).input_tags.allow_nan else True
        frame = isinstance(X, pd.DataFrame) or is_astropy_table(X)
        if frame:
            # a table reaches the inner estimator as it is (a Pipeline may
            # select columns by name); a bad cell is still named here
            validate_input(
                self, X, reset=reset, dtype="numeric", ensure_all_finite=finite
            )
        return validate_input(
            self,
            X,
            y,
            reset=reset,
            dtype=None,
            ensure_all_finite=False if frame else finite,
            accept_sparse=True,
            skip_check_array=frame,
        )

    def _oof_proba(self, X, y):
        cv = self.cv
        if isinstance(cv, Integral):
            # an integer cv: as many stratified folds as the rarest class
            # allows (at least 2), so that small training sets still fit
            classes, counts = np.unique(y, return_counts=True)
            if counts.min() < 2:
                rare = classes[np.argmin(counts)]
                raise ValueError(
                    f"TunedPriorsClassifier: class {rare!r} has 1 sample; "
                    "out-of-fold probabilities need at least 2 per class (2 "
                    "folds)."
                )
            cv = int(min(cv, counts.min()))
        cv = check_cv(cv, y, classifier=True)
        splits = list(cv.split(X, y))
        tests = np.concatenate([test for _, test in splits])
        if np.sort(tests).tolist() != list(range(len(y))):
            raise ValueError(
                "TunedPriorsClassifier: the test folds of cv must partition the "
                "samples (every sample in exactly one test fold)."
            )
        folds = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_proba)(self.estimator, X, y, train, test, self.classes_)
            for train, test in splits
        )
        proba = np.zeros((len(y), len(self.classes_)))
        for (_, test), fold in zip(splits, folds):
            proba[test] = fold
        return proba

    def _bounds(self):
        """(class positions, least recalls) of ``min_recall``."""
        bounds = self.min_recall or {}
        unknown = [c for c in bounds if c not in set(self.classes_.tolist())]
        if unknown:
            hint = ""
            if self.classes_.dtype.kind in "iu" and self.classes_.tolist() == list(
                range(len(self.classes_))
            ):
                hint = (
                    " The classes are the codes 0 .. k-1: "
                    "cross_val_predict(method='predict_proba') encodes the "
                    "labels in sorted order before it fits; name the class by "
                    "its code there, or use method='predict'."
                )
            raise ValueError(
                f"TunedPriorsClassifier: min_recall names {unknown!r}, which are "
                f"not classes of y ({self.classes_.tolist()!r}).{hint}"
            )
        return (
            np.searchsorted(self.classes_, list(bounds)).astype(int),
            np.array([float(r) for r in bounds.values()]),
        )

    def _search(self, proba, y):
        """Coordinate ascent of (-recall shortfall, score) over log-weights.

        After every move the bounded classes' log-weights are raised, a grid
        step at a time, until their recalls meet ``min_recall`` (a class's
        recall grows with its weight), so a move of another class is scored
        where the bounds hold.
        """
        scorer = check_scoring(self, scoring=self.scoring)
        dummy = np.zeros((len(y), 1))
        cls, least = self._bounds()
        y_idx = np.searchsorted(self.classes_, y)
        members = [y_idx == k for k in cls]
        step, top = 0.1, self.log_weight_range

        def missing(log_w):
            pred = np.argmax(proba * np.exp(log_w - log_w.max()), axis=1)
            recall = np.array([np.mean(pred[m] == k) for k, m in zip(cls, members)])
            return np.clip(least - recall, 0, None)

        def repair(log_w):
            short = missing(log_w)
            while short.any():
                low = [k for k, m in zip(cls, short) if m > 0 and log_w[k] < top]
                if not low:
                    break
                log_w[low] = np.minimum(log_w[low] + step, top)
                short = missing(log_w)
            return log_w, -float(short.sum())

        def objective(log_w):
            log_w, shortfall = repair(log_w)
            score = scorer(_Shifted(_shift(proba, log_w), self.classes_), dummy, y)
            return (shortfall, score), log_w

        base = scorer(_Shifted(proba, self.classes_), dummy, y)
        best, log_w = objective(np.zeros(len(self.classes_)))
        grid = np.arange(-top, top + step / 2, step)
        improved = True
        while improved:
            improved = False
            for k in range(len(log_w)):
                for value in grid:
                    trial = log_w.copy()
                    trial[k] = value
                    result, trial = objective(trial)
                    if result > best:
                        best, log_w, improved = result, trial, True
        return log_w, base, best

    @_fit_context(
        # the inner estimator is validated when it is fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y) -> "TunedPriorsClassifier":
        """Fit the weights on out-of-fold probabilities, then the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features (a DataFrame or astropy Table is handed on to
            the estimator as a DataFrame).
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : TunedPriorsClassifier
            The fitted classifier.
        """
        X, y = indexable(*self._validate(X, y))
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        check_n_classes(self.classes_, owner=type(self).__name__)
        self._bounds()  # unknown classes fail before any fit
        proba = self._oof_proba(X, y)
        log_w, self.base_score_, (shortfall, self.best_score_) = self._search(proba, y)
        self.prior_weights_ = np.exp(log_w - log_w.max())
        self.recall_shortfall_ = -shortfall
        self.estimator_ = clone(self.estimator).fit(X, y)
        return self

    @fill_doc
    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of ``estimator_``, shifted by ``prior_weights_``.

        %(predict_proba)s
        """
        check_is_fitted(self)
        inner = self.estimator_.predict_proba(self._validate(X, reset=False))
        proba = np.zeros((inner.shape[0], len(self.classes_)))
        proba[:, np.searchsorted(self.classes_, self.estimator_.classes_)] = inner
        return _shift(proba, np.log(self.prior_weights_))

    @fill_doc
    def predict(self, X) -> np.ndarray:
        """Class of highest shifted probability.

        %(predict)s
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def __sklearn_tags__(self):
        return inherit_input_tags(super().__sklearn_tags__(), self.estimator)
