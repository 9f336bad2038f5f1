"""GMMBayesClassifier: class-conditional Gaussian mixtures and Bayes' rule."""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.mixture import GaussianMixture
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted

from skastro.utils._docstrings import fill_doc
from skastro.utils._validation import check_n_classes, check_priors, validate_input

_MAX_SEED = np.iinfo(np.int32).max


@fill_doc
class GMMBayesClassifier(ClassifierMixin, BaseEstimator):
    """Generative classifier: a Gaussian mixture per class and Bayes' rule.

    The density of every class :math:`k` is a Gaussian mixture
    :math:`p(x \\mid k)` fitted to that class's samples alone; the posterior
    follows from Bayes' rule with class priors :math:`\\pi_k`,

    .. math::

        P(k \\mid x) = \\frac{\\pi_k\\, p(x \\mid k)}
        {\\sum_j \\pi_j\\, p(x \\mid j)},

    computed in log space (log-sum-exp). Because each class has its own
    density, the priors can be changed without refitting: ``"uniform"``
    priors give a rare class the same footing as a common one. This is the
    GMM Bayes classifier of Ivezić, Connolly, VanderPlas & Gray, rebuilt on
    :class:`sklearn.mixture.GaussianMixture`.

    Parameters
    ----------
    n_components : int or dict, default=1
        Number of mixture components per class: one int for every class, or
        a dict class label -> int that names every class.
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Covariance of the mixture components (see
        :class:`~sklearn.mixture.GaussianMixture`).
    priors : {"empirical", "uniform"} or array-like of shape (n_classes,), \
default="empirical"
        Class priors :math:`\\pi_k`: the class frequencies in the training
        set, equal priors (the imbalance-aware choice), or given values
        (non-negative, finite, summing to one, in ``classes_`` order); a
        class of prior 0 gets probability 0.
    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the covariances.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation of every class's mixture (a different seed
        per class).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    estimators_ : list of GaussianMixture
        The fitted mixture of each class, in ``classes_`` order.
    class_prior_ : ndarray of shape (n_classes,)
        The priors used by Bayes' rule.
    class_count_ : ndarray of shape (n_classes,)
        Number of training samples per class.
    %(fitted_features)s

    See Also
    --------
    sklearn.mixture.GaussianMixture : The class-conditional density.
    sklearn.naive_bayes.GaussianNB : One diagonal Gaussian per class.
    skastro.ensemble.HierarchicalClassifier : One discriminative classifier
        per taxonomy node.

    References
    ----------
    .. [1] Ivezić, Ž., Connolly, A. J., VanderPlas, J. T. and Gray, A. (2014),
       "Statistics, Data Mining, and Machine Learning in Astronomy",
       Princeton University Press, section 9.3.5.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.mixture import GMMBayesClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, (90, 2)), rng.normal(2.5, 1, (10, 2))]
    >>> y = np.r_[np.zeros(90, int), np.ones(10, int)]
    >>> clf = GMMBayesClassifier(priors="uniform", random_state=0).fit(X, y)
    >>> clf.class_prior_
    array([0.5, 0.5])
    >>> clf.predict([[0.0, 0.0], [2.5, 2.5]])
    array([0, 1])
    >>> clf.predict_proba([[1.25, 1.25]]).round(1)
    array([[0.4, 0.6]])
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left"), dict],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "priors": [StrOptions({"empirical", "uniform"}), "array-like"],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components: int | dict = 1,
        *,
        covariance_type: str = "full",
        priors: str | np.ndarray = "empirical",
        reg_covar: float = 1e-6,
        random_state: int | np.random.RandomState | None = None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.priors = priors
        self.reg_covar = reg_covar
        self.random_state = random_state

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

    @fill_doc
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> "GMMBayesClassifier":
        """Fit a Gaussian mixture to the samples of every class.

        Parameters
        ----------
        %(fit_X_y)s

        Returns
        -------
        self : GMMBayesClassifier
            The fitted classifier.
        """
        X, y = validate_input(self, X, y, reset=True, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        check_n_classes(self.classes_, owner=type(self).__name__)
        self.class_count_ = np.bincount(y_idx, minlength=len(self.classes_)).astype(
            float
        )
        components = self._components_per_class()
        self.class_prior_ = self._class_prior()
        rng = check_random_state(self.random_state)
        self.estimators_ = []
        labels = self.classes_.tolist()
        for label, count, n_comp in zip(labels, self.class_count_, components):
            if count < n_comp:
                raise ValueError(
                    f"class {label!r} has {int(count)} samples, fewer than its "
                    f"n_components={n_comp}; expected at least one sample per "
                    "component."
                )
        for k, n_comp in enumerate(components):
            Xk = X[y_idx == k]
            gm = GaussianMixture(
                n_components=n_comp,
                covariance_type=self.covariance_type,
                reg_covar=self.reg_covar,
                random_state=rng.randint(_MAX_SEED),
            )
            self.estimators_.append(gm.fit(Xk))
        return self

    def _joint_log_likelihood(self, X):
        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=[np.float64, np.float32])
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_)
        return (
            np.column_stack([gm.score_samples(X) for gm in self.estimators_])
            + log_prior
        )

    @fill_doc
    def predict_log_proba(self, X) -> np.ndarray:
        """Log posterior probability of every class, :math:`\\log P(k \\mid x)`.

        %(predict_log_proba)s
        """
        jll = self._joint_log_likelihood(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    @fill_doc
    def predict_proba(self, X) -> np.ndarray:
        """Posterior probability of every class, :math:`P(k \\mid x)`.

        %(predict_proba)s
        """
        return np.exp(self.predict_log_proba(X))

    @fill_doc
    def predict(self, X) -> np.ndarray:
        """Class of highest posterior probability.

        %(predict)s
        """
        jll = self._joint_log_likelihood(X)
        return self.classes_[np.argmax(jll, axis=1)]

    @fill_doc
    def score_samples(self, X) -> np.ndarray:
        """Log density of the whole mixture of classes under the priors.

        %(X_samples)s

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            :math:`\\log \\sum_k \\pi_k\\, p(x \\mid k)`.
        """
        return logsumexp(self._joint_log_likelihood(X), axis=1)
