"""Feature importances of a hierarchical classifier, per node and per leaf.

The definitions (documented on :class:`HierarchicalClassifier`):

- a node's importances are its estimator's ``feature_importances_``,
  normalised to sum to one;
- the classifier's ``feature_importances_`` are the nodes' importances
  averaged with weights w = the (weighted) number of training samples each
  node's estimator was fitted on, so the root counts for all samples and a
  node deep in the tree for the samples that reach it;
- a leaf's importances average, with the same weights, the nodes on its path
  from the root: what the classifier looks at to reach that class.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted


def _own_importances(name, estimator, n_features: int) -> np.ndarray:
    source = estimator
    if not hasattr(source, "feature_importances_") and hasattr(source, "steps"):
        source = source.steps[-1][1]  # a Pipeline's final classifier
    values = getattr(source, "feature_importances_", None)
    if values is None or np.shape(values) != (n_features,):
        raise AttributeError(
            f"the estimator of node {name!r} ({type(estimator).__name__}) has no "
            f"feature_importances_ of shape ({n_features},); feature importances "
            "need node estimators that have them (forests, boosted trees)."
        )
    values = np.asarray(values, dtype=float)
    total = values.sum()
    return values / total if total > 0 else values


class ImportancesMixin:
    """``feature_importances_`` and its per-node and per-leaf parts."""

    @property
    def node_feature_importances_(self) -> dict:
        """Node name -> its estimator's feature importances (summing to one).

        Raises ``AttributeError`` when a node estimator has none.
        """
        check_is_fitted(self)
        return {
            name: _own_importances(name, est, self.n_features_in_)
            for name, est in self.estimators_.items()
        }

    def _weighted_importances(self, nodes) -> np.ndarray:
        per_node = self.node_feature_importances_
        weights = np.array([self._node_weight[n] for n in nodes], dtype=float)
        stacked = np.array([per_node[n] for n in nodes])
        return weights @ stacked / weights.sum()

    @property
    def feature_importances_(self) -> np.ndarray:
        """Importance of every feature, shape (n_features,), summing to one.

        The nodes' importances averaged with weights the number of training
        samples of each node (see the class docstring).
        """
        check_is_fitted(self)
        return self._weighted_importances(list(self.estimators_))

    @property
    def leaf_feature_importances_(self) -> np.ndarray:
        """Importances along each leaf's path, shape (n_classes, n_features).

        Row ``k`` (class ``classes_[k]``) averages the importances of the
        fitted nodes from the root to that class, weighted as in
        ``feature_importances_``.
        """
        check_is_fitted(self)
        parent = {c: p for p, kids in self.children_.items() for c in kids}
        rows = []
        for leaf in self.classes_.tolist():
            path, node = [], leaf
            while node in parent:
                node = parent[node]
                if node in self.estimators_:
                    path.append(node)
            rows.append(self._weighted_importances(path))
        return np.array(rows)
