"""HierarchicalClassifier: a classifier per node of a class taxonomy."""

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
from sklearn.utils import _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from skastro.ensemble._importances import ImportancesMixin
from skastro.ensemble._nodes import (
    MAX_SEED,
    default_estimator,
    fit_node,
    inherit_input_tags,
    route,
    set_random_states,
)
from skastro.ensemble._taxonomy import Tree, encoded_taxonomy
from skastro.utils._docstrings import fill_doc
from skastro.utils._validation import check_n_classes, check_priors, validate_input


@fill_doc
class HierarchicalClassifier(
    ImportancesMixin, ClassifierMixin, MetaEstimatorMixin, BaseEstimator
):
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
    default per-node estimator is a soft vote of scikit-learn's
    :class:`~sklearn.ensemble.HistGradientBoostingClassifier`, a
    :class:`~sklearn.ensemble.RandomForestClassifier` of small bootstraps and
    small :class:`~sklearn.neural_network.MLPClassifier` networks on
    quantile-normalised features, all with balanced class weights (every
    child of a node weighs the same in total).

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
        ``"root"``, the name of the tree's root. When ``y`` holds the
        integer codes 0, 1, ... of :class:`~sklearn.preprocessing.LabelEncoder`
        (as :func:`~sklearn.model_selection.cross_val_predict` hands them with
        ``method="predict_proba"``) and the leaves are not integers, code
        ``k`` stands for the ``k``-th leaf in sorted order.
    estimator : classifier or None, default=None
        The per-node classifier (any scikit-learn classifier with
        ``predict_proba``, or a Pipeline such as an
        :class:`imblearn.pipeline.Pipeline` of a sampler and a classifier),
        cloned for every node. ``None`` uses the mean of the class
        probabilities of ``HistGradientBoostingClassifier(learning_rate=0.1,
        max_iter=100, max_leaf_nodes=15, min_samples_leaf=20,
        early_stopping=False)`` (255 bins of equal training weight per
        feature), of ``RandomForestClassifier(100, criterion="entropy",
        max_features=0.3, max_samples=1000)`` and of up to three
        ``MLPClassifier((64, 64), alpha=0.03, batch_size=512,
        learning_rate_init=0.003)`` (averaged) trained for 40 epochs (about
        2000 mini-batches in all at most) on the features mapped by
        ``QuantileTransformer(output_distribution="normal")`` (NaN set to
        the median), all fitted with balanced class weights; every
        parameter is pinned (scikit-learn 1.9 defaults for the rest) and
        seeded by ``random_state``. It was chosen by cross-validation on
        SDSS, ZTF and ASAS data, within twice the fit time of a 100-tree
        balanced random forest (see the user guide). Its ``class_weight``
        parameter takes ``"balanced"``, a dict or ``None``.
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
        priori) or given priors (in ``classes_`` order, non-negative, finite,
        summing to one) shift them by Bayes' rule: at every node,
        P(child | parent) is multiplied by q(child) / f(child) and
        renormalised, where f is the child's (weighted) fraction of the
        node's training samples and q its share of the priors (the sum over
        its leaves). A class of prior 0 gets probability 0. Use it with
        estimators trained on the natural class mix (random forest, neural
        network, logistic regression); a balanced estimator (the default,
        a ``BalancedRandomForestClassifier`` or ``class_weight="balanced"``)
        already behaves as if the priors were uniform. To fit the priors to
        a score instead, wrap the classifier in
        :class:`~skastro.ensemble.TunedPriorsClassifier`.
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
    feature_importances_ : ndarray of shape (n_features,)
        When the node estimators have ``feature_importances_`` (forests,
        boosted trees): each node's importances, normalised to sum to one,
        averaged over the nodes with weights the (weighted) number of
        training samples each node was fitted on. Sums to one.
    node_feature_importances_ : dict
        Node name -> its normalised importances (the terms of that average).
    leaf_feature_importances_ : ndarray of shape (n_classes, n_features)
        Row ``k`` averages, with the same weights, the nodes on the path from
        the root to ``classes_[k]``: what the classifier reads to reach it.
    %(fitted_features)s

    See Also
    --------
    sklearn.ensemble.HistGradientBoostingClassifier : The trees of the
        default node estimator.
    TunedPriorsClassifier : Per-class prior weights fitted to a score.
    skastro.mixture.GMMBayesClassifier : Generative classifier with settable
        class priors.

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
            return default_estimator()
        return self.estimator

    def _input_tags(self):
        return get_tags(self._get_estimator()).input_tags

    def _validate(self, X, y="no_validation", reset=True):
        # sparse input and NaN pass through when the node estimator takes them
        tags = self._input_tags()
        return validate_input(
            self,
            X,
            y,
            reset=reset,
            dtype="numeric",
            accept_sparse=["csr", "csc"] if tags.sparse else False,
            ensure_all_finite="allow-nan" if tags.allow_nan else True,
        )

    def _class_prior(self):
        """Target class priors, or None for the estimators' own ones."""
        if isinstance(self.priors, str):
            if self.priors == "uniform":
                return np.full(len(self.classes_), 1.0 / len(self.classes_))
            return None
        return check_priors(self.priors, self.classes_, owner=type(self).__name__)

    def _node_class_weight(self, tree, node):
        if not isinstance(self.class_weight, dict):
            return self.class_weight
        return {
            k: self.class_weight.get(tree.names[child], 1.0)
            for k, child in enumerate(tree.children[node])
        }

    def _check_class_weight_keys(self, tree):
        if not isinstance(self.class_weight, dict):
            return
        unknown = [k for k in self.class_weight if k not in set(tree.names[1:])]
        if unknown:
            raise ValueError(
                f"class_weight has keys {unknown!r} that are neither classes "
                f"nor taxonomy nodes; expected any of {tree.names[1:]!r}."
            )

    def _node_jobs(self, tree, X, y_idx, sample_weight):
        """The (estimator, X, y, sample_weight) of every fitted node, and the
        (weighted) fraction of the node's training samples under each child."""
        base = self._get_estimator()
        rng = (
            None if self.random_state is None else check_random_state(self.random_state)
        )
        jobs, node_freq, self._node_weight = [], [], {}
        for node in tree.fitted_nodes():
            target = tree.child_of_leaf(node, self._leaf_node)[y_idx]
            rows = np.flatnonzero(target >= 0)
            if len(rows) == len(y_idx):
                X_node, sw_node = X, sample_weight
            else:
                X_node = _safe_indexing(X, rows)
                sw_node = None if sample_weight is None else sample_weight[rows]
            est = clone(base)
            if self.class_weight is not None:
                cw = self._node_class_weight(tree, node)
                route(est, "class_weight", cw, "class_weight")
            if rng is not None:
                set_random_states(est, rng.randint(MAX_SEED))
            jobs.append((est, X_node, target[rows], sw_node))
            self._node_weight[tree.names[node]] = (
                len(rows) if sw_node is None else float(np.sum(sw_node))
            )
            freq = np.bincount(
                target[rows], weights=sw_node, minlength=len(tree.children[node])
            )
            node_freq.append(freq / freq.sum())
        return jobs, node_freq

    def _prior_shift(self, tree, node_freq):
        """Per fitted node, the prior shares of its children and the Bayes
        factors q / f that move its estimator's probabilities to them.

        A node whose leaves all have prior 0 gets no entry: its own
        probability is 0, so its estimator's probabilities are kept as they
        are.
        """
        class_prior = self._class_prior()
        if class_prior is None:
            return {}
        share = tree.subtree_sums(self._leaf_node, class_prior)
        shift = {}
        for node, freq in zip(tree.fitted_nodes(), node_freq):
            q = share[tree.children[node]]
            if q.sum() > 0:
                q = q / q.sum()
                shift[tree.names[node]] = (q, q / freq)
        return shift

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
        check_n_classes(self.classes_, owner=type(self).__name__)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        tree = Tree(encoded_taxonomy(self.taxonomy, self.classes_), self.classes_)
        self._check_class_weight_keys(tree)
        # node index of every class, in classes_ order
        self._leaf_node = tree.leaf_ids(self.classes_)
        jobs, node_freq = self._node_jobs(tree, X, y_idx, sample_weight)
        self._node_shift = self._prior_shift(tree, node_freq)
        if len(jobs) == 1:
            fitted = [fit_node(*jobs[0])]
        else:
            fitted = Parallel(n_jobs=self.n_jobs)(
                delayed(fit_node)(*job) for job in jobs
            )
        for est in fitted:
            if not hasattr(est, "predict_proba"):
                raise TypeError(
                    f"the fitted node estimator {type(est).__name__} has no "
                    "predict_proba; HierarchicalClassifier multiplies "
                    "probabilities down the tree."
                )
        self._tree = tree
        self.estimators_ = {
            tree.names[n]: e for n, e in zip(tree.fitted_nodes(), fitted)
        }
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

    def _node_probabilities(self, X):
        """P(node) for every node of the tree, shape (n_samples, n_nodes)."""
        tree = self._tree
        n = X.shape[0]
        prob = np.zeros((n, len(tree.names)))
        prob[:, 0] = 1.0
        # breadth-first order: a parent is filled before its children
        for node, children in enumerate(tree.children):
            if not children:
                continue
            if len(children) == 1:
                prob[:, children[0]] = prob[:, node]
                continue
            est = self.estimators_[tree.names[node]]
            cond = np.zeros((n, len(children)))
            cond[:, np.asarray(est.classes_, dtype=int)] = est.predict_proba(X)
            shift = self._node_shift.get(tree.names[node])
            if shift is not None:
                share, ratio = shift
                cond *= ratio
                total = cond.sum(axis=1, keepdims=True)
                # all the estimator's mass on children of prior 0: Bayes' rule
                # has nothing to shift, the children's prior shares remain
                empty = total[:, 0] == 0
                cond[empty], total[empty] = share, 1.0
                cond /= total
            prob[:, children] = prob[:, [node]] * cond
        return prob

    @fill_doc
    def predict_proba(self, X) -> np.ndarray:
        """Probability of every leaf: the product of the conditional
        probabilities along its path from the root.

        %(predict_proba)s
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return self._node_probabilities(X)[:, self._leaf_node]

    @fill_doc
    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`.

        %(predict_log_proba)s
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict_proba_levels(self, X, *, as_frame: bool = False):
        """Probabilities of the nodes of every level of the taxonomy.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        as_frame : bool, default=False
            Return one labelled pandas DataFrame instead of a list of arrays:
            columns indexed by (``level``, ``node``), level 1 the root's
            children, and the index of ``X`` when it is a DataFrame.

        Returns
        -------
        probas : list of ndarray, or DataFrame
            ``probas[d]`` has shape (n_samples, len(levels_[d])): the
            probability of each node at depth ``d + 1`` (leaves of shallower
            depth carried down, so every row sums to one). The last entry
            holds the leaves, in ``levels_[-1]`` order. With ``as_frame``,
            ``probas[d + 1]`` (a level of the columns) is that block.
        """
        check_is_fitted(self)
        index = getattr(X, "index", None)
        prob = self._node_probabilities(self._validate(X, reset=False))
        blocks = [prob[:, ids] for ids in self._tree.levels()]
        if not as_frame:
            return blocks
        import pandas as pd

        columns = pd.MultiIndex.from_tuples(
            [(d + 1, name) for d, names in enumerate(self.levels_) for name in names],
            names=["level", "node"],
        )
        return pd.DataFrame(np.hstack(blocks), columns=columns, index=index)

    @fill_doc
    def predict(self, X) -> np.ndarray:
        """Most probable leaf of every sample.

        %(predict)s
        """
        proba = self.predict_proba(X)  # checks that the classifier is fitted
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        return inherit_input_tags(super().__sklearn_tags__(), self._get_estimator())
