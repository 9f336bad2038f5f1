"""skastro.mixture: generative classifiers built on Gaussian mixtures.

Class-conditional Gaussian mixtures and Bayes' rule with settable class
priors (``_gmm_bayes``), on :class:`sklearn.mixture.GaussianMixture`.
"""

from skastro.mixture._gmm_bayes import GMMBayesClassifier

__all__ = ["GMMBayesClassifier"]
