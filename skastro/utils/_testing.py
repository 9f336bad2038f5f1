"""Constructor arguments and expected failures for the common checks.

The table of small, fast configurations that ``tests/test_common.py`` hands
to scikit-learn's ``parametrize_with_checks``, in the manner of
imbalanced-learn's ``instance_generator``. An expected failure is allowed
only with a reason that says why the check cannot hold for that estimator.
"""

from imblearn.ensemble import BalancedRandomForestClassifier
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression

# estimator class name -> constructor arguments used for the common checks
CHECK_PARAMS: dict[str, dict] = {
    # --- preprocessing ---
    # Plain AB magnitudes need flux > 0, but the checks' "positive" data are
    # X - X.min(), which holds a zero flux; the asinh mode is defined for every
    # flux, so the checks run it (the plain mode's errors are tested in
    # tests/preprocessing/test_magnitudes.py).
    "FluxToMagnitude": {"asinh_softening": 1e-10},
    # Three checks (fit_idempotent, fit_check_is_fitted, n_features_in) feed
    # normal(loc=100) data: dec ~ 100 deg is no sky position, which the
    # default errors="raise" rejects; errors="nan" turns such rows into NaN
    # coordinates with a counting warning (the raise is tested in
    # tests/preprocessing/test_sky.py).
    "SkyCoordinateTransformer": {"errors": "nan"},
    # --- lightcurve ---
    "LightCurveFeatures": {"n_peaks": 2},
    # --- ensemble ---
    # a small forest and fixed seeds keep every check fast and repeatable;
    # min_weight_fraction_leaf=0.01 is what check_class_weight_classifiers sets
    # on a bare forest (it cannot reach the nested one): with fully grown,
    # pure leaves, class weights could not move a tree's votes
    "HierarchicalClassifier": {
        "estimator": BalancedRandomForestClassifier(
            n_estimators=10,
            sampling_strategy="all",
            replacement=True,
            bootstrap=False,
            min_weight_fraction_leaf=0.01,
        ),
        "random_state": 0,
    },
    # a logistic regression and 3 folds keep the checks' many small fits fast
    "TunedPriorsClassifier": {"estimator": LogisticRegression(), "cv": 3},
    "GMMBayesClassifier": {"random_state": 0},
    # --- neural ---
    # tiny nets, few epochs, one batch per epoch, all data used for training,
    # Keras in eager mode: a new model traces no graph, which is most of the
    # cost of the checks' ~100 small fits per estimator
    "KerasMLPClassifier": {
        "hidden_layer_sizes": (16,),
        "epochs": 5,
        "batch_size": 512,
        "learning_rate": 0.05,
        "validation_fraction": 0.0,
        "routed_params": {"compile__run_eagerly": True},
    },
    "CNNClassifier": {
        "conv_filters": (4,),
        "dense_units": (16,),
        "dropout": 0.0,
        "epochs": 5,
        "batch_size": 512,
        "learning_rate": 0.05,
        "validation_fraction": 0.0,
        "routed_params": {"compile__run_eagerly": True},
    },
    "Autoencoder": {
        "encoder_units": (8, 2),
        "epochs": 5,
        "batch_size": 512,
        "learning_rate": 0.02,
        "validation_fraction": 0.0,
        "routed_params": {"compile__run_eagerly": True},
    },
}

# ensemble: why HierarchicalClassifier's forests fail the weight equivalence
_RANDOM_FOREST_WEIGHTS = (
    "the per-node BalancedRandomForestClassifier draws random under-samples "
    "and feature subsets: a sample of weight 2 is not the same random draw as "
    "a repeated sample (scikit-learn accepts this failure for its own "
    "randomised forests)"
)

# estimator class name -> {check name: reason it cannot hold}
EXPECTED_FAILED_CHECKS: dict[str, dict[str, str]] = {
    # --- preprocessing: none ---
    # --- lightcurve: none ---
    # --- ensemble ---
    "HierarchicalClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _RANDOM_FOREST_WEIGHTS,
        "check_sample_weight_equivalence_on_sparse_data": _RANDOM_FOREST_WEIGHTS,
    },
    # --- neural ---
}


def check_instance(cls) -> object:
    """Return an instance of ``cls`` configured for the common checks."""
    return clone(cls(**CHECK_PARAMS.get(cls.__name__, {})))


def expected_failed_checks(estimator) -> dict[str, str]:
    """Return the documented expected failures of ``estimator``."""
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
