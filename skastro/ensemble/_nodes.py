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


# the soft vote of the default node estimator, pinned (see _TreesForestNetworksVote)
MAX_BINS = 255  # the boosted trees' bins per feature
BIN_SUBSAMPLE = 200_000  # rows the bin edges are read from, as scikit-learn's
FOREST_TREES = 100
FOREST_MAX_SAMPLES = 1000  # each forest tree's bootstrap, so its cost is bounded
HIDDEN_LAYERS = (64, 64)
BATCH_SIZE = 512
MAX_EPOCHS = 40
MAX_STEPS = 2000  # mini-batch steps of all the networks together
MAX_NETWORKS = 3


def _varies(column):
    """Whether ``column`` holds two different finite values or more."""
    column = column[~np.isnan(column)]
    return column.size > 0 and column.max() > column.min()


def weighted_bin_edges(column, weight, max_bins=MAX_BINS):
    """The thresholds that cut ``column`` into ``max_bins`` bins of equal
    weight: scikit-learn's histogram binning with ``sample_weight``.

    NaN and zero-weight values are left out. With ``max_bins`` distinct
    values or fewer, the midpoints between them; otherwise the weighted
    quantiles at ``k / max_bins`` (inverted CDF, averaged where the
    cumulative weight falls exactly on a value), duplicates removed. Value
    ``x`` belongs to bin ``i`` when ``edges[i - 1] < x <= edges[i]``
    (``np.searchsorted(edges, x)``). One sort per column, where
    scikit-learn 1.9 sorts the column again for each of the 254 quantiles.
    """
    keep = ~np.isnan(column) & (weight != 0)
    order = np.argsort(column[keep], kind="stable")
    values, cum = column[keep][order], np.cumsum(weight[keep][order])
    distinct = np.unique(values)
    if distinct.size <= max_bins:
        return (distinct[1:] + distinct[:-1]) / 2
    target = np.arange(1, max_bins) / max_bins * cum[-1]
    i = np.minimum(np.searchsorted(cum, target), values.size - 1)
    upper = values[np.minimum(i + 1, values.size - 1)]
    exact = cum[i] - target <= np.finfo(float).eps
    return np.unique(np.where(exact, (values[i] + upper) / 2, values[i]))


class _TreesForestNetworksVote(ClassifierMixin, BaseEstimator):
    """The default node estimator: balanced boosted trees, a balanced
    random forest of small bootstraps and small networks, soft-voted.

    The probabilities are the mean (weights 1/3 each) of

    - ``HistGradientBoostingClassifier(learning_rate=0.1, max_iter=100,
      max_leaf_nodes=15, min_samples_leaf=20, early_stopping=False)`` on the
      features as given (NaN allowed), binned into 255 bins of equal
      training weight (:func:`weighted_bin_edges`, what scikit-learn's own
      binning computes with ``sample_weight``, at the cost of one sort per
      feature);
    - ``RandomForestClassifier(100, criterion="entropy", max_features=0.3,
      max_samples=1000)`` (fully grown trees, each on a bootstrap of at most
      1000 samples, so its cost and size do not grow with the data; NaN
      allowed), and
    - the average of up to three ``MLPClassifier((64, 64), alpha=0.03,
      batch_size=512, learning_rate_init=0.003)`` with their own seeds, on
      the features mapped to a standard normal by a
      ``QuantileTransformer(n_quantiles=min(1000, n_samples))`` (NaN set to
      0, the median; float32). Each trains for 40 epochs (fewer if its
      training loss stops improving); the networks share a budget of about
      2000 mini-batch steps: three networks up to 8,192 samples, two up to
      12,800, one beyond (of fewer epochs beyond 25,600 samples), so their
      cost is bounded on large data.

    The forest and the networks read the columns that vary in training
    (two finite values or more); with none, the trees vote alone. Every
    member is fitted with the same sample weights: ``class_weight`` (every
    class weighs the same in total with ``"balanced"``) times the
    ``sample_weight`` given to :meth:`fit`. The trees take sharp cuts and
    missing values, the forest the small nodes of a taxonomy (few samples
    per class), the networks the smooth boundaries of colour space; the
    vote was chosen by cross-validation (seeds 1-3) on SDSS, ZTF real/bogus
    and ASAS (doc/user_guide/ensemble.rst). Every parameter is pinned, so
    results do not move with the scikit-learn version; ``random_state``
    seeds every member.

    Parameters
    ----------
    class_weight : "balanced", dict or None, default="balanced"
        Per-class weights, as in scikit-learn's classifiers.
    random_state : int, RandomState instance or None, default=None
        Seeds the bin and quantile subsamples, the forest, and the
        networks' initial weights and batches.
    """

    _parameter_constraints: dict = {
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "random_state": ["random_state"],
    }

    def __init__(self, class_weight="balanced", random_state=None):
        self.class_weight = class_weight
        self.random_state = random_state

    def _binned(self, X):
        """``X`` as bin indices (float, NaN kept) for the boosted trees."""
        B = np.empty(X.shape)
        for j, edges in enumerate(self.bin_edges_):
            B[:, j] = np.searchsorted(edges, X[:, j])
        B[np.isnan(X)] = np.nan
        return B

    def _columns(self, X):
        if self.columns_.size < X.shape[1]:
            return X[:, self.columns_]
        return X

    def _network_input(self, X):
        # on a column with repeated quantiles (many equal values, such as
        # zeros) np.interp inside QuantileTransformer raises numpy's
        # invalid-value flag, though every value it returns is finite
        with np.errstate(invalid="ignore"):
            Z = self.quantiles_.transform(self._columns(X))  # a copy
        return np.nan_to_num(Z, nan=0.0, copy=False).astype(np.float32)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the boosted trees, the forest and the networks with balanced
        weights."""
        import warnings

        from sklearn.ensemble import (
            HistGradientBoostingClassifier,
            RandomForestClassifier,
        )
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from sklearn.preprocessing import QuantileTransformer
        from sklearn.utils.class_weight import compute_sample_weight

        X, y = validate_data(
            self, X, y, ensure_all_finite="allow-nan", dtype=np.float64
        )
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
        n = len(y_idx)
        rng = check_random_state(self.random_state)
        seeds = rng.randint(MAX_SEED, size=4 + MAX_NETWORKS)
        rows = slice(None)
        if n > BIN_SUBSAMPLE:
            rows = np.random.RandomState(seeds[0]).choice(n, BIN_SUBSAMPLE, False)
        self.bin_edges_ = [
            weighted_bin_edges(X[rows, j], weight[rows]) for j in range(X.shape[1])
        ]
        self.trees_ = HistGradientBoostingClassifier(
            loss="log_loss",
            learning_rate=0.1,
            max_iter=100,
            max_leaf_nodes=15,
            max_depth=None,
            min_samples_leaf=20,
            l2_regularization=0.0,
            max_features=1.0,
            max_bins=MAX_BINS,
            categorical_features=None,
            early_stopping=False,
            random_state=int(seeds[1]),
        ).fit(_fill_empty(self._binned(X)), y_idx, sample_weight=weight)
        self.columns_ = np.flatnonzero([_varies(X[:, j]) for j in range(X.shape[1])])
        self.forest_ = self.quantiles_ = None
        self.networks_ = []
        if self.columns_.size == 0:  # nothing for the forest and networks
            return self
        X_used = self._columns(X)
        self.forest_ = RandomForestClassifier(
            n_estimators=FOREST_TREES,
            criterion="entropy",
            max_depth=None,
            min_samples_split=2,
            min_samples_leaf=1,
            max_features=0.3,
            bootstrap=True,
            max_samples=FOREST_MAX_SAMPLES if n > FOREST_MAX_SAMPLES else None,
            class_weight=None,
            random_state=int(seeds[2]),
        ).fit(X_used, y_idx, sample_weight=weight)
        self.quantiles_ = QuantileTransformer(
            n_quantiles=min(1000, n),
            output_distribution="normal",
            subsample=10_000,
            copy=True,
            random_state=int(seeds[3]),
        ).fit(X_used)
        Z = self._network_input(X)
        batch = min(BATCH_SIZE, n)
        epochs = min(MAX_EPOCHS, max(1, -(-MAX_STEPS * batch // n)))
        steps = epochs * -(-n // batch)
        for seed in seeds[4 : 4 + min(MAX_NETWORKS, max(1, MAX_STEPS // steps))]:
            network = MLPClassifier(
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
                random_state=int(seed),
            )
            with warnings.catch_warnings():
                # the number of epochs is a fixed budget, not a convergence test
                warnings.simplefilter("ignore", ConvergenceWarning)
                self.networks_.append(network.fit(Z, y_idx, sample_weight=weight))
        return self

    def predict_proba(self, X):
        """Mean of the trees', the forest's and the networks' probabilities
        (the networks averaged first)."""
        check_is_fitted(self)
        X = validate_data(
            self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64
        )
        trees = self.trees_.predict_proba(self._binned(X))
        if self.forest_ is None:
            return trees
        forest = self.forest_.predict_proba(self._columns(X))
        Z = self._network_input(X)
        networks = np.mean(
            [m.predict_proba(Z) for m in self.networks_], axis=0, dtype=np.float64
        )
        # float32 networks: rows sum to one within 1e-7; to one here
        networks /= networks.sum(axis=1, keepdims=True)
        return (trees + forest + networks) / 3

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
    balanced boosted trees, a random forest of small bootstraps and small
    networks (:class:`_TreesForestNetworksVote`).

    Chosen by cross-validation (seeds 1-3) on the SDSS, ZTF real/bogus and
    ASAS data sets against balanced boosted trees alone, the balanced random
    forest and other votes (doc/user_guide/ensemble.rst), within twice the
    fit time of a 100-tree balanced forest; its memory stays bounded on
    large data (trees on features binned to one byte, at most 15 leaves; a
    forest of trees grown on 1000 samples each; networks trained on about
    2000 mini-batches in all).
    """
    return _TreesForestNetworksVote(class_weight="balanced")


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
