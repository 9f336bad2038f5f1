"""skastro.ensemble: imbalance-aware classifiers.

A classifier per node of a class taxonomy: the taxonomy's tree
(``_taxonomy``), the per-node estimators (``_nodes``) and the classifier
(``_hierarchical``); a decision rule with per-class prior weights fitted on
out-of-fold probabilities (``_priors``).
"""

import warnings

from skastro.ensemble._hierarchical import HierarchicalClassifier
from skastro.ensemble._priors import TunedPriorsClassifier

__all__ = ["HierarchicalClassifier", "TunedPriorsClassifier"]


def __getattr__(name: str):
    # GMMBayesClassifier moved to skastro.mixture; the old path stays one
    # release, with a FutureWarning
    if name == "GMMBayesClassifier":
        warnings.warn(
            "skastro.ensemble.GMMBayesClassifier has moved to "
            "skastro.mixture.GMMBayesClassifier; import it from there (the old "
            "path will be removed in skastro 0.2).",
            FutureWarning,
            stacklevel=2,
        )
        from skastro.mixture import GMMBayesClassifier

        return GMMBayesClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
