"""skastro.ensemble: imbalance-aware classifiers.

A classifier per node of a class taxonomy (``_hierarchical``) and
class-conditional Gaussian mixtures with settable priors (``_gmm_bayes``).
"""

from skastro.ensemble._gmm_bayes import GMMBayesClassifier
from skastro.ensemble._hierarchical import HierarchicalClassifier

__all__ = ["GMMBayesClassifier", "HierarchicalClassifier"]
