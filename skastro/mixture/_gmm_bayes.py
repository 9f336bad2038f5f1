"""GMMBayesClassifier: class-conditional Gaussian mixtures and Bayes' rule."""

import numpy as np
from sklearn.base import _fit_context
from sklearn.mixture import GaussianMixture
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from skastro.mixture._bayes import BAYES_DOCS, MixtureBayesBase
from skastro.utils._docstrings import fill_doc
from skastro.utils._validation import validate_input


@fill_doc(docs=BAYES_DOCS)
class GMMBayesClassifier(MixtureBayesBase):
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
    %(n_components)s
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        Covariance of the mixture components (see
        :class:`~sklearn.mixture.GaussianMixture`).
    %(priors)s
    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the covariances.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation of every class's mixture (a different seed
        per class).

    Attributes
    ----------
    %(class_attributes)s
    estimators_ : list of GaussianMixture
        The fitted mixture of each class, in ``classes_`` order.
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
        **MixtureBayesBase._parameter_constraints,
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
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

    def _make_mixture(self, n_components, seed):
        return GaussianMixture(
            n_components=n_components,
            covariance_type=self.covariance_type,
            reg_covar=self.reg_covar,
            random_state=seed,
        )

    def _class_log_density(self, mixture, X, X_err):
        return mixture.score_samples(X)

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
        return self._fit_classes(X, y)

    def _jll(self, X):
        check_is_fitted(self)
        X = validate_input(self, X, reset=False, dtype=[np.float64, np.float32])
        return self._joint_log_likelihood(X)

    @fill_doc
    def predict_log_proba(self, X) -> np.ndarray:
        """Log posterior probability of every class, :math:`\\log P(k \\mid x)`.

        %(predict_log_proba)s
        """
        return self._bayes_outputs(self._jll(X), "predict_log_proba")

    @fill_doc
    def predict_proba(self, X) -> np.ndarray:
        """Posterior probability of every class, :math:`P(k \\mid x)`.

        %(predict_proba)s
        """
        return self._bayes_outputs(self._jll(X), "predict_proba")

    @fill_doc
    def predict(self, X) -> np.ndarray:
        """Class of highest posterior probability.

        %(predict)s
        """
        return self._bayes_outputs(self._jll(X), "predict")

    @fill_doc
    def score_samples(self, X) -> np.ndarray:
        """Log density of the whole mixture of classes under the priors.

        %(X_samples)s

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            :math:`\\log \\sum_k \\pi_k\\, p(x \\mid k)`.
        """
        return self._bayes_outputs(self._jll(X), "score_samples")
