"""The Bayes-rule machinery shared by the mixture classifiers.

:class:`MixtureBayesBase` holds what a generative classifier with one
mixture per class needs whatever the mixture: the per-class component
counts, the class priors, the per-class fits (seeded per class) and Bayes'
rule in log space. A subclass supplies the mixture (``_make_mixture``) and
how it scores samples (``_class_log_density``).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets

from skastro.utils._validation import check_n_classes, check_priors

_MAX_SEED = np.iinfo(np.int32).max

#: numpydoc text shared by the mixture classifiers
BAYES_DOCS = {
    "n_components": """\
n_components : int or dict, default=1
    Number of mixture components per class: one int for every class, or
    a dict class label -> int that names every class.""",
    "priors": """\
priors : {"empirical", "uniform"} or array-like of shape (n_classes,), \
default="empirical"
    Class priors :math:`\\pi_k`: the class frequencies in the training
    set, equal priors (the imbalance-aware choice), or given values
    (non-negative, finite, summing to one, in ``classes_`` order); a
    class of prior 0 gets probability 0.""",
    "class_attributes": """\
classes_ : ndarray of shape (n_classes,)
    Class labels, sorted.
class_prior_ : ndarray of shape (n_classes,)
    The priors used by Bayes' rule.
class_count_ : ndarray of shape (n_classes,)
    Number of training samples per class.""",
}


class MixtureBayesBase(ClassifierMixin, BaseEstimator):
    """Base of the classifiers with one density mixture per class."""

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), dict],
        "priors": [StrOptions({"empirical", "uniform"}), "array-like"],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def _make_mixture(self, n_components: int, seed: int):
        raise NotImplementedError

    def _class_log_density(self, mixture, X, X_err) -> np.ndarray:
        raise NotImplementedError

    def _components_per_class(self):
        if not isinstance(self.n_components, dict):
            return [self.n_components] * len(self.classes_)
        known = set(self.classes_.tolist())
        unknown = [k for k in self.n_components if k not in known]
        if unknown:
            raise ValueError(
                f"n_components has keys {unknown!r} that are not classes of y; "
                f"expected the classes {self.classes_.tolist()!r}."
            )
        missing = [c for c in self.classes_.tolist() if c not in self.n_components]
        if missing:
            raise ValueError(
                f"n_components has no entry for classes {missing!r}; a dict must "
                "name every class."
            )
        out = []
        for c in self.classes_.tolist():
            k = self.n_components[c]
            if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
                raise ValueError(f"n_components[{c!r}] = {k!r}; expected an int >= 1.")
            out.append(int(k))
        return out

    def _class_prior(self):
        if isinstance(self.priors, str):
            if self.priors == "uniform":
                return np.full(len(self.classes_), 1.0 / len(self.classes_))
            return self.class_count_ / self.class_count_.sum()
        return check_priors(self.priors, self.classes_, owner=type(self).__name__)

    def _fit_classes(self, X, y, X_err=None):
        """Set the class attributes and fit one mixture per class.

        ``X_err`` (checked, aligned with X) is split by class with X.
        """
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        check_n_classes(self.classes_, owner=type(self).__name__)
        self.class_count_ = np.bincount(y_idx, minlength=len(self.classes_)).astype(
            float
        )
        components = self._components_per_class()
        self.class_prior_ = self._class_prior()
        labels = self.classes_.tolist()
        for label, count, n_comp in zip(labels, self.class_count_, components):
            if count < n_comp:
                raise ValueError(
                    f"class {label!r} has {int(count)} samples, fewer than its "
                    f"n_components={n_comp}; expected at least one sample per "
                    "component."
                )
        rng = check_random_state(self.random_state)
        self.estimators_ = []
        for k, n_comp in enumerate(components):
            mask = y_idx == k
            mixture = self._make_mixture(n_comp, rng.randint(_MAX_SEED))
            fit_params = {} if X_err is None else {"X_err": X_err[mask]}
            self.estimators_.append(mixture.fit(X[mask], **fit_params))
        return self

    def _joint_log_likelihood(self, X, X_err=None):
        """log pi_k + log p(x | k); ``X`` and ``X_err`` already checked."""
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        densities = [self._class_log_density(m, X, X_err) for m in self.estimators_]
        return np.column_stack(densities) + log_prior

    def _bayes_outputs(self, jll, output: str) -> np.ndarray:
        """Bayes' rule on the joint log-likelihood: the output asked for."""
        if output == "predict":
            return self.classes_[np.argmax(jll, axis=1)]
        if output == "score_samples":
            return logsumexp(jll, axis=1)
        log_proba = jll - logsumexp(jll, axis=1, keepdims=True)
        return log_proba if output == "predict_log_proba" else np.exp(log_proba)
