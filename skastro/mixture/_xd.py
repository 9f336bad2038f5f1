"""XDGaussianMixture: a Gaussian mixture deconvolved from per-sample errors."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin, _fit_context
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from skastro.mixture._xd_em import check_errors, em_step, weighted_log_prob
from skastro.utils._docstrings import fill_doc
from skastro.utils._validation import validate_input

_MAX_SEED = np.iinfo(np.int32).max

#: numpydoc text shared by the XD estimators
XD_DOCS = {
    "X_err": """\
X_err : array-like of shape (n_samples, n_features, n_features) or \
(n_samples, n_features), default=None
    Measurement errors of every sample: full error covariance matrices
    (symmetric, positive semi-definite), or standard deviations (diagonal
    covariances). ``None`` means no errors (a plain Gaussian mixture).""",
}
XD_DOCS["X_X_err"] = (
    "Parameters\n----------\nX : array-like of shape (n_samples, n_features)\n"
    "    Samples.\n" + XD_DOCS["X_err"]
)


@fill_doc(docs=XD_DOCS)
class XDGaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture of the error-free density: extreme deconvolution.

    Every observed sample :math:`x_i` is taken as a draw from the underlying
    mixture plus a Gaussian measurement error of known covariance
    :math:`S_i`, so that

    .. math::

        p(x_i) = \\sum_j \\alpha_j\\, \\mathcal{N}(x_i \\mid m_j, V_j + S_i).

    The EM algorithm of Bovy, Hogg & Roweis (2011) fits the weights
    :math:`\\alpha_j`, means :math:`m_j` and intrinsic covariances
    :math:`V_j` of the error-free density, vectorised over samples and
    components. With heteroscedastic errors a plain
    :class:`~sklearn.mixture.GaussianMixture` fits the noisy density, its
    covariances inflated by the errors; this one deconvolves them. Without
    errors it is a full-covariance Gaussian mixture.

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components.
    tol : float, default=1e-5
        Convergence threshold: EM stops when the mean log-likelihood per
        sample changes by less than ``tol``.
    reg_covar : float, default=1e-6
        Non-negative regularisation added to the diagonal of the covariances.
    max_iter : int, default=500
        Number of EM iterations per initialisation.
    n_init : int, default=1
        Number of initialisations; the fit of highest likelihood is kept.
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, \
default="kmeans"
        Initial responsibilities: k-means labels, random weights, or every
        sample assigned to the nearest of k-means++ centres or of random
        samples (where :class:`~sklearn.mixture.GaussianMixture` gives each
        such component one sample, and so a zero initial covariance, from
        which extreme-deconvolution EM grows only slowly).
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisation and :meth:`sample`.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
        Component weights :math:`\\alpha_j`.
    means_ : ndarray of shape (n_components, n_features)
        Component means :math:`m_j`.
    covariances_ : ndarray of shape (n_components, n_features, n_features)
        Deconvolved (intrinsic) covariances :math:`V_j`.
    converged_ : bool
        Whether the best initialisation converged within ``max_iter``.
    n_iter_ : int
        EM iterations of the best initialisation.
    lower_bound_ : float
        Mean log-likelihood per training sample at the last EM iteration
        (EM's objective; there is no gap to a bound here).
    %(fitted_features)s

    See Also
    --------
    sklearn.mixture.GaussianMixture : The mixture without errors.
    XDGMMBayesClassifier : One deconvolved mixture per class.

    References
    ----------
    .. [1] Bovy, J., Hogg, D. W. and Roweis, S. T. (2011), "Extreme
       deconvolution: inferring complete distribution functions from noisy,
       heterogeneous and incomplete observations", Annals of Applied
       Statistics 5, 1657.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.mixture import XDGaussianMixture
    >>> rng = np.random.RandomState(0)
    >>> truth = rng.normal(0.0, 1.0, (2000, 2))
    >>> err = rng.uniform(0.5, 1.5, (2000, 2))
    >>> X = truth + err * rng.normal(size=(2000, 2))
    >>> xd = XDGaussianMixture(random_state=0).fit(X, X_err=err)
    >>> xd.covariances_[0].round(1)  # the intrinsic covariance is the identity
    array([[1.1, 0. ],
           [0. , 0.9]])
    >>> np.cov(X, rowvar=False).round(1)  # the noisy one is twice as wide
    array([[2.2, 0. ],
           [0. , 2. ]])
    >>> xd.score_samples([[0.0, 0.0]], X_err=[[0.5, 0.5]]).round(2)
    array([-2.05])
    """

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": [
            StrOptions({"kmeans", "k-means++", "random", "random_from_data"})
        ],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components: int = 1,
        *,
        tol: float = 1e-5,
        reg_covar: float = 1e-6,
        max_iter: int = 500,
        n_init: int = 1,
        init_params: str = "kmeans",
        random_state: int | np.random.RandomState | None = None,
    ):
        self.n_components = n_components
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.random_state = random_state

    def _check_X(self, X, X_err, *, reset: bool):
        X = validate_input(self, X, reset=reset, ensure_min_samples=2 if reset else 1)
        return X, check_errors(X_err, *X.shape, owner=type(self).__name__)

    def _initial_responsibilities(self, X, rng):
        n, K = X.shape[0], self.n_components
        if self.init_params == "random":
            resp = rng.uniform(size=(n, K))
            return resp / resp.sum(axis=1, keepdims=True)
        if self.init_params == "kmeans":
            labels = KMeans(K, n_init=1, random_state=rng).fit(X).labels_
        else:
            if self.init_params == "k-means++":
                centres = kmeans_plusplus(X, K, random_state=rng)[0]
            else:
                centres = X[rng.choice(n, size=K, replace=False)]
            # every sample to its nearest centre: a component starts with the
            # scatter of its neighbourhood, not the zero scatter of one sample
            labels = ((X[:, np.newaxis] - centres) ** 2).sum(axis=-1).argmin(axis=1)
        resp = np.zeros((n, K))
        resp[np.arange(n), labels] = 1.0
        return resp

    def _initial_parameters(self, X, resp):
        nk = resp.sum(axis=0) + 10 * np.finfo(np.float64).eps
        means = resp.T @ X / nk[:, np.newaxis]
        diff = X[np.newaxis] - means[:, np.newaxis]  # (K, n, d)
        cov = np.einsum("nk,kna,knb->kab", resp, diff, diff) / nk[:, None, None]
        cov += self.reg_covar * np.eye(X.shape[1])
        return nk / nk.sum(), means, cov

    def _run_em(self, X, S, params):
        lower_bound, n_iter = -np.inf, 0
        while n_iter < self.max_iter:
            previous = lower_bound
            *params, lower_bound = em_step(X, S, *params, self.reg_covar)
            n_iter += 1
            if abs(lower_bound - previous) < self.tol:
                return params, lower_bound, True, n_iter
        return params, lower_bound, False, n_iter

    @fill_doc(docs=XD_DOCS)
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, X_err=None) -> XDGaussianMixture:
        """Fit the deconvolved mixture by extreme-deconvolution EM.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Observed (noisy) samples.
        y : None
            Ignored.
        %(X_err)s

        Returns
        -------
        self : XDGaussianMixture
            The fitted mixture.
        """
        X, S = self._check_X(X, X_err, reset=True)
        if X.shape[0] < self.n_components:
            raise ValueError(
                f"X has {X.shape[0]} samples, fewer than n_components="
                f"{self.n_components}; expected at least one sample per component."
            )
        rng = check_random_state(self.random_state)
        best = None
        for _ in range(self.n_init):
            params = self._initial_parameters(X, self._initial_responsibilities(X, rng))
            run = self._run_em(X, S, params)
            if best is None or run[1] > best[1]:
                best = run
        params, self.lower_bound_, self.converged_, self.n_iter_ = best
        self.weights_, self.means_, self.covariances_ = params
        if not self.converged_:
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter="
                f"{self.max_iter} iterations (tol={self.tol}); increase max_iter "
                "or tol.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return self

    def _log_prob(self, X, X_err):
        check_is_fitted(self)
        X, S = self._check_X(X, X_err, reset=False)
        return self._log_prob_checked(X, S)

    def _log_prob_checked(self, X, S):
        return weighted_log_prob(X, S, self.weights_, self.means_, self.covariances_)

    @fill_doc(docs=XD_DOCS)
    def score_samples(self, X, X_err=None) -> np.ndarray:
        """Log-likelihood of every noisy sample, given its errors.

        %(X_X_err)s

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
            :math:`\\log \\sum_j \\alpha_j\\, \\mathcal{N}(x_i \\mid m_j,
            V_j + S_i)`.
        """
        return logsumexp(self._log_prob(X, X_err), axis=1)

    @fill_doc(docs=XD_DOCS)
    def score(self, X, y=None, X_err=None) -> float:
        """Mean log-likelihood per sample of the noisy data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : None
            Ignored.
        %(X_err)s

        Returns
        -------
        log_likelihood : float
            Mean of :meth:`score_samples`.
        """
        return float(self.score_samples(X, X_err).mean())

    @fill_doc(docs=XD_DOCS)
    def predict_proba(self, X, X_err=None) -> np.ndarray:
        """Posterior probability of every component for every noisy sample.

        %(X_X_err)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_components)
            Responsibilities; rows sum to one.
        """
        log_prob = self._log_prob(X, X_err)
        return np.exp(log_prob - logsumexp(log_prob, axis=1, keepdims=True))

    @fill_doc(docs=XD_DOCS)
    def predict(self, X, X_err=None) -> np.ndarray:
        """Most probable component of every noisy sample.

        %(X_X_err)s

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Component indices.
        """
        return self._log_prob(X, X_err).argmax(axis=1)

    def _n_parameters(self) -> int:
        K, d = self.means_.shape
        return K * d * (d + 1) // 2 + K * d + K - 1

    @fill_doc(docs=XD_DOCS)
    def bic(self, X, X_err=None) -> float:
        """Bayesian information criterion of the noisy data (lower is better).

        %(X_X_err)s

        Returns
        -------
        bic : float
            :math:`-2 \\log L + p \\log n`, with :math:`p` free parameters.
        """
        n = np.shape(X)[0]
        return -2 * self.score(X, X_err=X_err) * n + self._n_parameters() * np.log(n)

    def sample(self, n_samples: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """Draw samples from the deconvolved (error-free) mixture.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
            The samples, grouped by component.
        y : ndarray of shape (n_samples,)
            The component of every sample.
        """
        check_is_fitted(self)
        if (
            not isinstance(n_samples, Integral)
            or isinstance(n_samples, bool)
            or (n_samples < 1)
        ):
            raise ValueError(f"n_samples={n_samples!r}; expected an int >= 1.")
        rng = check_random_state(self.random_state)
        counts = rng.multinomial(n_samples, self.weights_)
        X = np.vstack(
            [
                rng.multivariate_normal(mean, cov, int(count))
                for mean, cov, count in zip(self.means_, self.covariances_, counts)
            ]
        )
        y = np.repeat(np.arange(self.n_components), counts)
        return X, y
