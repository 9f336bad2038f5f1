"""XDGMMBayesClassifier: deconvolved class mixtures and Bayes' rule."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.base import _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted

from skastro.mixture._bayes import BAYES_DOCS, MixtureBayesBase
from skastro.mixture._xd import XD_DOCS, XDGaussianMixture
from skastro.mixture._xd_em import check_errors
from skastro.utils._docstrings import fill_doc
from skastro.utils._validation import validate_input

_DOCS = {**BAYES_DOCS, **XD_DOCS}


@fill_doc(docs=_DOCS)
class XDGMMBayesClassifier(MixtureBayesBase):
    """Generative classifier on error-deconvolved class densities.

    :class:`GMMBayesClassifier` for noisy measurements with known,
    per-sample errors: every class density is an
    :class:`XDGaussianMixture` fitted by extreme deconvolution, and a sample
    :math:`x` of error covariance :math:`S` is classified with its own
    errors added to every component,

    .. math::

        P(k \\mid x, S) \\propto \\pi_k \\sum_j \\alpha_{kj}\\,
        \\mathcal{N}(x \\mid m_{kj}, V_{kj} + S).

    A bright, precise object is then judged against the sharp intrinsic
    class densities, a faint one against densities broadened by its own
    errors: the approach of XDQSO (Bovy et al. 2011). The errors are
    metadata: ``fit(X, y, X_err=...)`` and ``predict_proba(X, X_err=...)``,
    routed in a :class:`~sklearn.pipeline.Pipeline` or a cross-validation
    by ``set_fit_request(X_err=True)`` and
    ``set_predict_proba_request(X_err=True)`` (with
    ``sklearn.set_config(enable_metadata_routing=True)``). Without errors it
    is :class:`GMMBayesClassifier` with full covariances.

    Parameters
    ----------
    %(n_components)s
    %(priors)s
    tol : float, default=1e-5
        Convergence threshold of every class's EM (change of the mean
        log-likelihood per sample).
    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the covariances.
    max_iter : int, default=500
        Maximum number of EM iterations per class.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, \
default="kmeans"
        Initialisation of every class's mixture.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation of every class's mixture (a different seed
        per class).

    Attributes
    ----------
    %(class_attributes)s
    estimators_ : list of XDGaussianMixture
        The fitted deconvolved mixture of each class, in ``classes_`` order.
    n_iter_ : ndarray of shape (n_classes,)
        EM iterations of every class's mixture.
    %(fitted_features)s

    See Also
    --------
    GMMBayesClassifier : The same classifier for error-free data.
    XDGaussianMixture : The class density.

    References
    ----------
    .. [1] Bovy, J. et al. (2011), "Think outside the color box:
       probabilistic target selection and the SDSS-XDQSO quasar targeting
       catalog", ApJ 729, 141.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.mixture import XDGMMBayesClassifier
    >>> rng = np.random.RandomState(0)
    >>> truth = np.r_[rng.normal(0, 0.5, (300, 2)), rng.normal(2, 0.5, (300, 2))]
    >>> y = np.r_[np.zeros(300, int), np.ones(300, int)]
    >>> err = rng.uniform(0.1, 1.0, (600, 2))
    >>> X = truth + err * rng.normal(size=(600, 2))
    >>> clf = XDGMMBayesClassifier(random_state=0).fit(X, y, X_err=err)
    >>> clf.estimators_[0].covariances_.round(1)  # intrinsic: 0.25 * identity
    array([[[ 0.2, -0. ],
            [-0. ,  0.3]]])

    A precise measurement between the classes is judged against the sharp
    intrinsic densities, a noisy one at the same place far less surely:

    >>> X_new, err_new = [[0.7, 0.7], [0.7, 0.7]], [[0.05, 0.05], [1.0, 1.0]]
    >>> clf.predict_proba(X_new, X_err=err_new).round(2)
    array([[0.99, 0.01],
           [0.7 , 0.3 ]])
    """

    _parameter_constraints: dict = {
        **MixtureBayesBase._parameter_constraints,
        **{
            key: XDGaussianMixture._parameter_constraints[key]
            for key in ("tol", "max_iter", "init_params")
        },
    }

    def __init__(
        self,
        n_components: int | dict = 1,
        *,
        priors: str | np.ndarray = "empirical",
        tol: float = 1e-5,
        reg_covar: float = 1e-6,
        max_iter: int = 500,
        init_params: str = "kmeans",
        random_state: int | np.random.RandomState | None = None,
    ):
        self.n_components = n_components
        self.priors = priors
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.init_params = init_params
        self.random_state = random_state

    def _make_mixture(self, n_components, seed):
        return XDGaussianMixture(
            n_components,
            tol=self.tol,
            reg_covar=self.reg_covar,
            max_iter=self.max_iter,
            init_params=self.init_params,
            random_state=seed,
        )

    def _class_log_density(self, mixture, X, X_err):
        return logsumexp(mixture._log_prob_checked(X, X_err), axis=1)

    @fill_doc(docs=_DOCS)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, X_err=None) -> XDGMMBayesClassifier:
        """Fit a deconvolved Gaussian mixture to the samples of every class.

        Parameters
        ----------
        %(fit_X_y)s
        %(X_err)s

        Returns
        -------
        self : XDGMMBayesClassifier
            The fitted classifier.
        """
        X, y = validate_input(self, X, y, reset=True)
        S = check_errors(X_err, *X.shape, owner=type(self).__name__)
        self._fit_classes(X, y, S)
        self.n_iter_ = np.array([m.n_iter_ for m in self.estimators_])
        return self

    def _jll(self, X, X_err):
        check_is_fitted(self)
        X = validate_input(self, X, reset=False)
        S = check_errors(X_err, *X.shape, owner=type(self).__name__)
        return self._joint_log_likelihood(X, S)

    @fill_doc(docs=_DOCS)
    def predict_log_proba(self, X, X_err=None) -> np.ndarray:
        """Log posterior probability of every class given the sample's errors.

        %(X_X_err)s

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order (``-inf`` where a probability is 0).
        """
        return self._bayes_outputs(self._jll(X, X_err), "predict_log_proba")

    @fill_doc(docs=_DOCS)
    def predict_proba(self, X, X_err=None) -> np.ndarray:
        """Posterior probability of every class given the sample's errors.

        %(X_X_err)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order; rows sum to one.
        """
        return self._bayes_outputs(self._jll(X, X_err), "predict_proba")

    @fill_doc(docs=_DOCS)
    def predict(self, X, X_err=None) -> np.ndarray:
        """Class of highest posterior probability given the sample's errors.

        %(X_X_err)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        return self._bayes_outputs(self._jll(X, X_err), "predict")

    @fill_doc(docs=_DOCS)
    def score_samples(self, X, X_err=None) -> np.ndarray:
        """Log density of every noisy sample under the mixture of classes.

        %(X_X_err)s

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            :math:`\\log \\sum_k \\pi_k\\, p(x \\mid k, S)`.
        """
        return self._bayes_outputs(self._jll(X, X_err), "score_samples")

    @fill_doc(docs=_DOCS)
    def score(self, X, y, sample_weight=None, X_err=None) -> float:
        """Accuracy of :meth:`predict` given the samples' errors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        %(X_err)s

        Returns
        -------
        score : float
            Mean accuracy.
        """
        y_pred = self.predict(X, X_err)
        return float(accuracy_score(y, y_pred, sample_weight=sample_weight))
