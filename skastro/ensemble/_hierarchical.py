"""HierarchicalClassifier: a classifier per node of a class taxonomy."""

from collections.abc import Mapping
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

ROOT = "root"
_MAX_SEED = np.iinfo(np.int32).max


def _default_estimator():
    """The per-node classifier used when ``estimator=None``.

    Every parameter whose default imbalanced-learn has changed or may change
    is pinned, so results do not move with the imbalanced-learn version.
    """
    from imblearn.ensemble import BalancedRandomForestClassifier

    return BalancedRandomForestClassifier(
        n_estimators=100,
        sampling_strategy="all",
        replacement=True,
        bootstrap=False,
    )


def _is_leaf_sequence(value) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


class _Tree:
    """The parsed taxonomy: nodes in breadth-first order, root first.

    ``names[i]`` is the node name (``ROOT`` for node 0), ``parent[i]`` its
    parent index (-1 for the root), ``children[i]`` the list of child indices
    and ``depth[i]`` its depth (root 0). Leaves are the nodes without
    children; their names are the class labels.
    """

    def __init__(self, taxonomy, classes):
        self.names = [ROOT]
        self.parent = [-1]
        self.children = [[]]
        self.depth = [0]
        where = {}  # leaf -> parent name, to report duplicates
        if taxonomy is None:
            for leaf in classes:
                self._add(leaf, 0)
        else:
            self._parse(taxonomy, 0, where)
        # breadth-first order is guaranteed by _parse's queue
        self.parent = np.asarray(self.parent)
        self.depth = np.asarray(self.depth)
        self.is_leaf = np.array([len(c) == 0 for c in self.children])
        leaves = [self.names[i] for i in np.flatnonzero(self.is_leaf)]
        self._check_against_classes(leaves, classes)

    def _add(self, name, parent):
        self.names.append(name)
        self.parent.append(parent)
        self.children.append([])
        self.depth.append(self.depth[parent] + 1)
        self.children[parent].append(len(self.names) - 1)
        return len(self.names) - 1

    def _parse(self, taxonomy, root, where):
        if len(taxonomy) == 0:
            raise ValueError("taxonomy is an empty dict; expected parent -> children.")
        queue = [(root, taxonomy)]
        while queue:
            node, mapping = queue.pop(0)
            for name, value in mapping.items():
                if isinstance(value, Mapping):
                    if len(value) == 0:
                        raise ValueError(
                            f"taxonomy node {name!r} has an empty dict of children; "
                            "expected at least one child."
                        )
                    queue.append((self._add(name, node), value))
                elif _is_leaf_sequence(value):
                    leaves = list(value)
                    if len(leaves) == 0:
                        raise ValueError(
                            f"taxonomy node {name!r} has an empty list of leaves; "
                            "expected at least one class label."
                        )
                    if len(leaves) == 1 and leaves[0] == name:
                        # {"GALAXY": ["GALAXY"]}: the node is the leaf itself
                        self._add_leaf(name, node, where)
                        continue
                    parent = self._add(name, node)
                    for leaf in leaves:
                        if isinstance(leaf, Mapping | list | tuple | np.ndarray):
                            raise TypeError(
                                f"taxonomy node {name!r} lists {leaf!r} among its "
                                "leaves; expected class labels (use a dict for "
                                "nested levels)."
                            )
                        self._add_leaf(leaf, parent, where)
                else:
                    raise TypeError(
                        f"taxonomy node {name!r} maps to {type(value).__name__} "
                        f"{value!r}; expected a list of class labels or a dict of "
                        "sub-nodes."
                    )
        internal = [n for i, n in enumerate(self.names) if i and self.children[i]]
        if ROOT in internal:
            raise ValueError(
                f"taxonomy has a node named {ROOT!r}, the name reserved for the "
                "root of the tree; rename that node."
            )
        seen = set()
        for n in internal:
            if n in seen:
                raise ValueError(f"taxonomy node name {n!r} is used twice.")
            if n in where:
                raise ValueError(
                    f"taxonomy name {n!r} is both a node and a leaf (under "
                    f"{where[n]!r}); node and class names must differ."
                )
            seen.add(n)

    def _add_leaf(self, leaf, parent, where):
        if leaf in where:
            raise ValueError(
                f"class {leaf!r} appears twice in the taxonomy (under "
                f"{where[leaf]!r} and {self.names[parent]!r}); every class must "
                "have one parent."
            )
        where[leaf] = self.names[parent]
        self._add(leaf, parent)

    @staticmethod
    def _check_against_classes(leaves, classes):
        class_list = np.asarray(classes).tolist()
        classes_set = set(class_list)
        leaf_set = set(leaves)
        missing = [c for c in class_list if c not in leaf_set]
        if missing:
            raise ValueError(
                f"classes {missing!r} are present in y but missing from the "
                "taxonomy; every class of y must be a leaf of the taxonomy."
            )
        absent = [leaf for leaf in leaves if leaf not in classes_set]
        if absent:
            raise ValueError(
                f"taxonomy leaves {absent!r} are absent from y (classes in y: "
                f"{class_list!r}); every leaf needs training samples."
            )

    def leaf_ids(self, classes):
        """Node index of each class in ``classes`` order."""
        index = {n: i for i, n in enumerate(self.names) if self.is_leaf[i]}
        return np.array([index[c] for c in classes])

    def fitted_nodes(self):
        """Internal nodes with at least two children: one estimator each."""
        return [i for i, c in enumerate(self.children) if len(c) >= 2]

    def levels(self):
        """Node indices per level, in depth-first order of the taxonomy;
        leaves shallower than a level are carried down to it."""
        order, stack = [], [0]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(reversed(self.children[node]))
        order = np.asarray(order)
        depth, is_leaf = self.depth[order], self.is_leaf[order]
        return [
            order[(depth == d) | (is_leaf & (depth < d))]
            for d in range(1, int(self.depth.max()) + 1)
        ]


def _route(estimator, param, value, what):
    """Set ``param`` on ``estimator`` or on the final step of a Pipeline."""
    if param in estimator.get_params(deep=False):
        return estimator.set_params(**{param: value})
    if isinstance(estimator, Pipeline):
        step, final = estimator.steps[-1]
        if final is not None and final != "passthrough":
            if param in final.get_params(deep=False):
                return estimator.set_params(**{f"{step}__{param}": value})
    raise ValueError(
        f"{what}={value!r} was given but the per-node estimator "
        f"{type(estimator).__name__} has no {param!r} parameter; pass "
        f"{what}=None or an estimator that takes {param!r}."
    )


def _sample_weight_kwargs(estimator, sample_weight):
    if sample_weight is None:
        return {}
    if has_fit_parameter(estimator, "sample_weight"):
        return {"sample_weight": sample_weight}
    if isinstance(estimator, Pipeline):
        step, final = estimator.steps[-1]
        if has_fit_parameter(final, "sample_weight"):
            return {f"{step}__sample_weight": sample_weight}
    raise TypeError(
        "sample_weight was given but the per-node estimator "
        f"{type(estimator).__name__} does not accept sample_weight in fit."
    )


def _set_random_states(estimator, seed):
    """Give every ``*random_state`` parameter of ``estimator`` a fixed seed."""
    rng = np.random.RandomState(seed)
    params = {}
    for key in sorted(estimator.get_params(deep=True)):
        if key == "random_state" or key.endswith("__random_state"):
            params[key] = int(rng.randint(_MAX_SEED))
    if params:
        estimator.set_params(**params)
    return estimator


def _fit_node(estimator, X, y, sample_weight):
    return estimator.fit(X, y, **_sample_weight_kwargs(estimator, sample_weight))


class HierarchicalClassifier(ClassifierMixin, MetaEstimatorMixin, BaseEstimator):
    """Classifier over a class taxonomy, one classifier per node.

    Every internal node of the taxonomy gets its own clone of ``estimator``,
    trained only on the samples whose class lies below that node to tell its
    children apart. Probabilities multiply down the tree,

    .. math::

        P(\\text{leaf}) = \\prod_{\\text{node on the path}}
        P(\\text{node} \\mid \\text{parent}),

    so rows of :meth:`predict_proba` sum to one. A rare class can then be
    separated from a look-alike by its own node classifier (quasars from stars
    among point sources) instead of competing with every class at once. The
    default per-node estimator is imbalanced-learn's
    :class:`~imblearn.ensemble.BalancedRandomForestClassifier`, which
    under-samples every class to the size of the rarest one in each tree.

    Parameters
    ----------
    taxonomy : dict or None, default=None
        Parent -> children. A value is a list of class labels (the leaves) or
        a dict of sub-nodes, nested to any depth, e.g.
        ``{"point": ["STAR", "QSO"], "extended": ["GALAXY"]}`` or
        ``{"periodic": {"pulsating": [...], "eclipsing": [...]}, "other": [...]}``.
        ``None`` is the flat taxonomy: one classifier over all classes.
        Every class of ``y`` must be a leaf and every leaf must occur in ``y``
        (a ``ValueError`` names the offenders otherwise). A node with a single
        child passes its whole probability to that child,
        P(child | parent) = 1, and fits no estimator; ``{"GALAXY": ["GALAXY"]}``
        is the leaf itself. Node names must differ from class labels and from
        ``"root"``, the name of the tree's root.
    estimator : classifier or None, default=None
        The per-node classifier (any scikit-learn classifier with
        ``predict_proba``, or a Pipeline such as an
        :class:`imblearn.pipeline.Pipeline` of a sampler and a classifier),
        cloned for every node. ``None`` uses
        ``BalancedRandomForestClassifier(n_estimators=100,
        sampling_strategy="all", replacement=True, bootstrap=False)``.
    class_weight : {"balanced", "balanced_subsample"}, dict or None, \
default=None
        Passed to the ``class_weight`` parameter of every node estimator (or
        of a Pipeline's final step); a ``ValueError`` is raised if it has none.
        The strings balance the children of each node. A dict maps class or
        node names to weights: a node's estimator weighs each child by its
        entry (1 when absent).
    priors : {"empirical", "uniform"} or array-like of shape (n_classes,), \
default="empirical"
        Class priors of the predicted probabilities. ``"empirical"`` uses the
        node estimators' probabilities as they are, which reflect the class
        mix they were trained on. ``"uniform"`` (every class equally likely a
        priori) or given priors (in ``classes_`` order, positive, summing to
        one) shift them by Bayes' rule: at every node,
        P(child | parent) is multiplied by q(child) / f(child) and
        renormalised, where f is the child's (weighted) fraction of the
        node's training samples and q its share of the priors (the sum over
        its leaves). Use it with estimators trained on the natural class mix
        (random forest, neural network, logistic regression); a balanced
        estimator (the default ``BalancedRandomForestClassifier``, or
        ``class_weight="balanced"``) already behaves as if the priors were
        uniform.
    n_jobs : int or None, default=None
        Number of nodes fitted in parallel with joblib (``-1``: all cores).
        A flat taxonomy has a single node: set the estimator's own ``n_jobs``
        instead.
    random_state : int, RandomState instance or None, default=None
        Seeds every ``random_state`` parameter of every node estimator (a
        different seed per node). ``None`` leaves the estimator's own
        ``random_state`` as given.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The leaves (class labels), sorted; the columns of
        :meth:`predict_proba`.
    estimators_ : dict
        Node name (``"root"`` for the root) -> fitted estimator, for every
        node with two children or more. Each is trained on integer targets:
        the position of the child in ``children_[node]``.
    children_ : dict
        Node name -> list of its children's names.
    levels_ : list of ndarray
        ``levels_[d]`` names the nodes at depth ``d + 1`` (leaves of
        shallower depth carried down), the columns of
        ``predict_proba_levels(X)[d]``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    imblearn.ensemble.BalancedRandomForestClassifier : The default node
        estimator.
    GMMBayesClassifier : Generative classifier with settable class priors.

    References
    ----------
    .. [1] Sánchez-Sáez, P. et al. (2021), "Alert Classification for the
       ALeRCE Broker System: The Light Curve Classifier", AJ 161, 141.
    .. [2] Chen, C., Liaw, A. and Breiman, L. (2004), "Using random forest to
       learn imbalanced data", University of California, Berkeley, 110.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skastro.ensemble import HierarchicalClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = np.r_[rng.normal(0, 1, (30, 2)), rng.normal(3, 1, (30, 2)),
    ...           rng.normal((3, -3), 1, (10, 2))]
    >>> y = np.array(["STAR"] * 30 + ["GALAXY"] * 30 + ["QSO"] * 10)
    >>> clf = HierarchicalClassifier(
    ...     {"point": ["STAR", "QSO"], "extended": ["GALAXY"]},
    ...     LogisticRegression(), class_weight="balanced").fit(X, y)
    >>> clf.classes_
    array(['GALAXY', 'QSO', 'STAR'], dtype='<U6')
    >>> sorted(clf.estimators_)
    ['point', 'root']
    >>> clf.predict([[0, 0], [3, 3], [3, -3]])
    array(['STAR', 'GALAXY', 'QSO'], dtype='<U6')
    >>> [names.tolist() for names in clf.levels_]
    [['point', 'extended'], ['STAR', 'QSO', 'GALAXY']]
    >>> clf.predict_proba(X).sum(axis=1).round(6).min()
    np.float64(1.0)
    """

    _parameter_constraints: dict = {
        "taxonomy": [dict, None],
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "class_weight": [dict, StrOptions({"balanced", "balanced_subsample"}), None],
        "priors": [StrOptions({"empirical", "uniform"}), "array-like"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        taxonomy: dict | None = None,
        estimator: BaseEstimator | None = None,
        *,
        class_weight: str | dict | None = None,
        priors: str | np.ndarray = "empirical",
        n_jobs: int | None = None,
        random_state: int | np.random.RandomState | None = None,
    ):
        self.taxonomy = taxonomy
        self.estimator = estimator
        self.class_weight = class_weight
        self.priors = priors
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _get_estimator(self):
        if self.estimator is None:
            return _default_estimator()
        return self.estimator

    def _input_tags(self):
        return get_tags(self._get_estimator()).input_tags

    def _validate(self, X, y="no_validation", reset=True):
        tags = self._input_tags()
        kwargs = {
            "accept_sparse": ["csr", "csc"] if tags.sparse else False,
            "ensure_all_finite": "allow-nan" if tags.allow_nan else True,
            "reset": reset,
        }
        return validate_data(self, X, y, **kwargs)

    def _class_prior(self):
        """Target class priors, or None for the estimators' own ones."""
        n_classes = len(self.classes_)
        if isinstance(self.priors, str):
            if self.priors == "uniform":
                return np.full(n_classes, 1.0 / n_classes)
            return None
        priors = np.asarray(self.priors, dtype=float)
        if priors.shape != (n_classes,):
            raise ValueError(
                f"priors has shape {priors.shape}; expected ({n_classes},), one "
                f"per class of {self.classes_.tolist()!r}."
            )
        bad = np.flatnonzero(~np.isfinite(priors) | (priors <= 0))
        if bad.size:
            raise ValueError(
                f"priors[{int(bad[0])}] = {priors[bad[0]].item()!r} (class "
                f"{self.classes_[bad[0]].item()!r}); expected positive finite "
                "values."
            )
        if not np.isclose(priors.sum(), 1.0):
            raise ValueError(
                f"priors sum to {priors.sum().item()!r}; expected them to sum to 1."
            )
        return priors

    def _node_class_weight(self, tree, node):
        if not isinstance(self.class_weight, dict):
            return self.class_weight
        return {
            k: self.class_weight.get(tree.names[child], 1.0)
            for k, child in enumerate(tree.children[node])
        }

    @_fit_context(
        # the per-node estimators are validated when they are fitted
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y, sample_weight=None) -> "HierarchicalClassifier":
        """Fit one estimator per internal node of the taxonomy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training features.
        y : array-like of shape (n_samples,)
            Class labels: the leaves of the taxonomy.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights, passed to every node estimator (restricted to
            that node's samples); a ``TypeError`` is raised if the estimator
            (or a Pipeline's final step) does not take ``sample_weight``.

        Returns
        -------
        self : HierarchicalClassifier
            The fitted classifier.
        """
        X, y = self._validate(X, y)
        check_classification_targets(y)
        if np.ndim(y) != 1:
            raise ValueError(
                f"y has shape {np.shape(y)}; HierarchicalClassifier expects one "
                "label per sample, shape (n_samples,)."
            )
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"y holds one class only, {self.classes_.tolist()!r}; a classifier "
                "needs at least two classes."
            )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        tree = _Tree(self.taxonomy, self.classes_)
        if isinstance(self.class_weight, dict):
            unknown = [k for k in self.class_weight if k not in set(tree.names[1:])]
            if unknown:
                raise ValueError(
                    f"class_weight has keys {unknown!r} that are neither classes "
                    f"nor taxonomy nodes; expected any of {tree.names[1:]!r}."
                )
        base = self._get_estimator()
        rng = (
            None if self.random_state is None else check_random_state(self.random_state)
        )

        # leaf index (position in classes_) -> node id
        leaf_node = tree.leaf_ids(self.classes_)
        nodes = tree.fitted_nodes()
        class_prior = self._class_prior()
        jobs, node_freq, self._prior_ratio = [], [], {}
        for node in nodes:
            # child position of every class under this node, -1 elsewhere
            child_of_leaf = np.full(len(self.classes_), -1)
            for k, child in enumerate(tree.children[node]):
                for j, leaf in enumerate(leaf_node):
                    if self._is_descendant(tree, leaf, child):
                        child_of_leaf[j] = k
            target = child_of_leaf[y_idx]
            rows = np.flatnonzero(target >= 0)
            if len(rows) == len(y):
                X_node, sw_node = X, sample_weight
            else:
                X_node = _safe_indexing(X, rows)
                sw_node = None if sample_weight is None else sample_weight[rows]
            est = clone(base)
            if self.class_weight is not None:
                _route(
                    est,
                    "class_weight",
                    self._node_class_weight(tree, node),
                    "class_weight",
                )
            if rng is not None:
                _set_random_states(est, rng.randint(_MAX_SEED))
            jobs.append((est, X_node, target[rows], sw_node))
            freq = np.bincount(
                target[rows],
                weights=sw_node,
                minlength=len(tree.children[node]),
            )
            node_freq.append(freq / freq.sum())

        if len(jobs) == 1:
            fitted = [_fit_node(*jobs[0])]
        else:
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(_fit_node)(*job) for job in jobs
            )
        for est in fitted:
            if not hasattr(est, "predict_proba"):
                raise TypeError(
                    f"the fitted node estimator {type(est).__name__} has no "
                    "predict_proba; HierarchicalClassifier multiplies "
                    "probabilities down the tree."
                )
        self._tree = tree
        self._leaf_node = leaf_node
        if class_prior is not None:
            # prior share of every node: the sum over its leaves
            share = np.zeros(len(tree.names))
            share[leaf_node] = class_prior
            for i in range(len(tree.names) - 1, 0, -1):  # children before parents
                share[tree.parent[i]] += share[i]
            for node, freq in zip(nodes, node_freq):
                q = share[tree.children[node]]
                self._prior_ratio[tree.names[node]] = (q / q.sum()) / freq
        self.estimators_ = {tree.names[n]: e for n, e in zip(nodes, fitted)}
        self.children_ = {
            tree.names[i]: [tree.names[c] for c in ch]
            for i, ch in enumerate(tree.children)
            if ch
        }
        self.levels_ = [
            np.array([tree.names[i] for i in ids], dtype=object)
            for ids in tree.levels()
        ]
        if all(isinstance(n, str) for lvl in self.levels_ for n in lvl):
            self.levels_ = [lvl.astype(str) for lvl in self.levels_]
        return self

    @staticmethod
    def _is_descendant(tree, node, ancestor):
        while node != -1:
            if node == ancestor:
                return True
            node = tree.parent[node]
        return False

    def _node_probabilities(self, X):
        """P(node) for every node of the tree, shape (n_samples, n_nodes)."""
        tree = self._tree
        n = X.shape[0]
        prob = np.zeros((n, len(tree.names)))
        prob[:, 0] = 1.0
        fitted = self.estimators_
        # breadth-first order: a parent is filled before its children
        for node, children in enumerate(tree.children):
            if not children:
                continue
            if len(children) == 1:
                prob[:, children[0]] = prob[:, node]
                continue
            est = fitted[tree.names[node]]
            cond = np.zeros((n, len(children)))
            cond[:, np.asarray(est.classes_, dtype=int)] = est.predict_proba(X)
            ratio = self._prior_ratio.get(tree.names[node])
            if ratio is not None:
                cond *= ratio
                cond /= cond.sum(axis=1, keepdims=True)
            prob[:, children] = prob[:, [node]] * cond
        return prob

    def predict_proba(self, X) -> np.ndarray:
        """Probability of every leaf: the product of the conditional
        probabilities along its path from the root.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order; rows sum to one.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return self._node_probabilities(X)[:, self._leaf_node]

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            ``log(predict_proba(X))`` (``-inf`` where a probability is 0).
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict_proba_levels(self, X) -> list[np.ndarray]:
        """Probabilities of the nodes of every level of the taxonomy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        probas : list of ndarray
            ``probas[d]`` has shape (n_samples, len(levels_[d])): the
            probability of each node at depth ``d + 1`` (leaves of shallower
            depth carried down, so every row sums to one). The last entry
            holds the leaves, in ``levels_[-1]`` order.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        prob = self._node_probabilities(X)
        return [prob[:, ids] for ids in self._tree.levels()]

    def predict(self, X) -> np.ndarray:
        """Most probable leaf of every sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self._input_tags()
        tags.input_tags.sparse = inner.sparse
        tags.input_tags.allow_nan = inner.allow_nan
        return tags
