"""skastro.mixture: Gaussian mixtures and the generative classifiers on them.

Class-conditional Gaussian mixtures and Bayes' rule with settable class
priors (``_gmm_bayes``, on :class:`sklearn.mixture.GaussianMixture`);
extreme deconvolution, a mixture fitted to noisy data with per-sample
errors (``_xd``, its EM in ``_xd_em``), and the classifier on the
deconvolved class densities (``_xd_bayes``). ``_bayes`` holds the Bayes-rule
machinery the two classifiers share.
"""

from skastro.mixture._gmm_bayes import GMMBayesClassifier
from skastro.mixture._xd import XDGaussianMixture
from skastro.mixture._xd_bayes import XDGMMBayesClassifier

__all__ = ["GMMBayesClassifier", "XDGMMBayesClassifier", "XDGaussianMixture"]
