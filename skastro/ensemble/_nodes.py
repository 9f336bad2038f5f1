"""The per-node estimators of HierarchicalClassifier: defaults, routing, seeds.

Every internal node of the taxonomy gets a clone of one estimator (or
Pipeline). These helpers pin the default estimator, route ``class_weight``
and ``sample_weight`` to the estimator or to a Pipeline's final step, give
every ``random_state`` a seed of its own and fit one node.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

MAX_SEED = np.iinfo(np.int32).max


# the soft vote of the default node estimator, pinned (see _TreesNetworkVote)
TREE_WEIGHT = 0.5
HIDDEN_LAYERS = (64, 64)
BATCH_SIZE = 512
MAX_EPOCHS = 40
MAX_STEPS = 2000


def _varies(column):
    """Whether ``column`` holds two different finite values or more."""
    column = column[~np.isnan(column)]
    return column.size > 0 and column.max() > column.min()


class _TreesNetworkVote(ClassifierMixin, BaseEstimator):
    """The default node estimator: balanced boosted trees and a small
    network, soft-voted.

    The probabilities are the mean (weights 0.5 / 0.5) of

    - ``HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100,
      max_leaf_nodes=15, min_samples_leaf=20, early_stopping=False)`` on the
      features as given (NaN allowed), and
    - ``MLPClassifier((64, 64), alpha=0.03, batch_size=512,
      learning_rate_init=0.003)`` on the features mapped to a standard
      normal by a ``QuantileTransformer(n_quantiles=min(1000, n_samples))``
      (NaN set to 0, the median; columns constant or all NaN in training
      left out, and the network with them when no column varies). It
      trains for 40 epochs (fewer if the training loss stops improving) and
      at most about 2000 mini-batch steps, so its cost is bounded on large
      data (fewer epochs beyond 25,600 samples).

    Both are fitted with the same sample weights: ``class_weight`` (every
    class weighs the same in total with ``"balanced"``) times the
    ``sample_weight`` given to :meth:`fit`. The trees model sharp cuts, the
    network the smooth boundaries of colour space; the vote was chosen by
    cross-validation (seeds 1-3) on SDSS, ZTF real/bogus and ASAS
    (doc/user_guide/ensemble.rst). Every parameter is pinned, so results do
    not move with the scikit-learn version; ``random_state`` seeds both.

    Parameters
    ----------
    class_weight : "balanced", dict or None, default="balanced"
        Per-class weights, as in scikit-learn's classifiers.
    random_state : int, RandomState instance or None, default=None
        Seeds the quantile subsample and the network's initial weights and
        batches.
    """

    _parameter_constraints: dict = {
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "random_state": ["random_state"],
    }

    def __init__(self, class_weight="balanced", random_state=None):
        self.class_weight = class_weight
        self.random_state = random_state

    def _network_input(self, X):
        # on a column with repeated quantiles (many equal values, such as
        # zeros) np.interp inside QuantileTransformer raises numpy's
        # invalid-value flag, though every value it returns is finite
        if self.network_columns_.size < X.shape[1]:
            X = X[:, self.network_columns_]
        with np.errstate(invalid="ignore"):
            Z = self.quantiles_.transform(X)  # a copy: X is left as it is
        return np.nan_to_num(Z, nan=0.0, copy=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees and the network with balanced weights."""
        import warnings

        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from sklearn.preprocessing import QuantileTransformer
        from sklearn.utils.class_weight import compute_sample_weight

        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan")
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        weight = np.ones(len(y_idx))
        if self.class_weight is not None:
            cw = self.class_weight
            if isinstance(cw, dict):
                cw = {k: cw.get(c, 1.0) for k, c in enumerate(self.classes_)}
            weight = compute_sample_weight(cw, y_idx)
        if sample_weight is not None:
            weight = weight * _check_sample_weight(sample_weight, X)
        weight = weight * (len(weight) / weight.sum())
        rng = check_random_state(self.random_state)
        seeds = rng.randint(MAX_SEED, size=3)
        self.trees_ = HistGradientBoostingClassifier(
            loss="log_loss",
            learning_rate=0.1,
            max_iter=100,
            max_leaf_nodes=15,
            max_depth=None,
            min_samples_leaf=20,
            l2_regularization=0.0,
            max_features=1.0,
            max_bins=255,
            categorical_features=None,
            early_stopping=False,
            random_state=int(seeds[0]),
        ).fit(_fill_empty(X), y_idx, sample_weight=weight)
        self.network_columns_ = np.flatnonzero(
            [_varies(X[:, j]) for j in range(X.shape[1])]
        )
        n = len(y_idx)
        self.quantiles_ = self.network_ = None
        if self.network_columns_.size == 0:  # nothing for the network to read
            return self
        self.quantiles_ = QuantileTransformer(
            n_quantiles=min(1000, n),
            output_distribution="normal",
            subsample=10_000,
            copy=True,
            random_state=int(seeds[1]),
        ).fit(
            X
            if self.network_columns_.size == X.shape[1]
            else X[:, self.network_columns_]
        )
        batch = min(BATCH_SIZE, n)
        epochs = min(MAX_EPOCHS, max(1, -(-MAX_STEPS * batch // n)))
        self.network_ = MLPClassifier(
            HIDDEN_LAYERS,
            activation="relu",
            solver="adam",
            alpha=0.03,
            batch_size=batch,
            learning_rate="constant",
            learning_rate_init=0.003,
            max_iter=epochs,
            shuffle=True,
            tol=1e-4,
            early_stopping=False,
            n_iter_no_change=10,
            beta_1=0.9,
            beta_2=0.999,
            epsilon=1e-8,
            random_state=int(seeds[2]),
        )
        with warnings.catch_warnings():
            # the number of epochs is a fixed budget, not a convergence test
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.network_.fit(self._network_input(X), y_idx, sample_weight=weight)
        return self

    def predict_proba(self, X):
        """Mean of the trees' and the network's class probabilities."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, ensure_all_finite="allow-nan")
        trees = self.trees_.predict_proba(X)
        if self.network_ is None:
            return trees
        network = self.network_.predict_proba(self._network_input(X))
        return TREE_WEIGHT * trees + (1 - TREE_WEIGHT) * network

    def predict(self, X):
        """The most probable class."""
        proba = self.predict_proba(X)  # checks that the vote is fitted
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def default_estimator():
    """The per-node classifier used when ``estimator=None``: a soft vote of
    balanced boosted trees and a small network (:class:`_TreesNetworkVote`).

    Chosen by cross-validation (seeds 1-3) on the SDSS, ZTF real/bogus and
    ASAS data sets against balanced boosted trees alone, the balanced random
    forest and other votes (doc/user_guide/ensemble.rst), within twice the
    fit time of a 100-tree balanced forest; its memory stays bounded on
    large data (trees on features binned to one byte, at most 15 leaves; a
    network trained on at most about 2000 mini-batches).
    """
    return _TreesNetworkVote(class_weight="balanced")


def inherit_input_tags(tags, estimator):
    """``tags`` with the sparse and NaN input tags of ``estimator``: a
    meta-estimator takes what its inner estimator takes."""
    from sklearn.utils import get_tags

    inner = get_tags(estimator).input_tags
    tags.input_tags.sparse = inner.sparse
    tags.input_tags.allow_nan = inner.allow_nan
    return tags


def route(estimator, param, value, what):
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


def sample_weight_kwargs(estimator, sample_weight):
    """The fit keyword that hands ``sample_weight`` to ``estimator``."""
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


def set_random_states(estimator, seed):
    """Give every ``*random_state`` parameter of ``estimator`` a fixed seed."""
    rng = np.random.RandomState(seed)
    params = {}
    for key in sorted(estimator.get_params(deep=True)):
        if key == "random_state" or key.endswith("__random_state"):
            params[key] = int(rng.randint(MAX_SEED))
    if params:
        estimator.set_params(**params)
    return estimator


def _fill_empty(X):
    """``X`` with its all-NaN columns set to 0 for histogram boosting.

    scikit-learn's histogram binning fails on a column with no finite value
    ("window shape cannot be larger than input array shape"); such a column
    (a feature no object of a node has, e.g. a period decade beyond every
    light curve's span) carries no information, and a constant column is
    never split on, so predictions do not change.
    """
    if not isinstance(X, np.ndarray) or X.dtype.kind != "f" or X.ndim != 2:
        return X
    empty = np.isnan(X).all(axis=0)
    if not empty.any() or X.shape[0] == 0:
        return X
    X = X.copy()
    X[:, empty] = 0.0
    return X


def _fill_empty_columns(estimator, X):
    """``X`` for ``estimator``, all-NaN columns set to 0 for histogram
    boosting (see :func:`_fill_empty`)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    if not isinstance(estimator, HistGradientBoostingClassifier):
        return X
    return _fill_empty(X)


def fit_node(estimator, X, y, sample_weight):
    """Fit one node's estimator, with ``sample_weight`` where given."""
    X = _fill_empty_columns(estimator, X)
    return estimator.fit(X, y, **sample_weight_kwargs(estimator, sample_weight))
