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
    # the checks' 2-D arrays are light curves of one or two epochs (one column
    # with NaN in imbalanced-learn's NaN check): min_points=1 lets each be a
    # template, as the default 3 would leave every class without one
    "LightCurveGPAugmenter": {"min_points": 1, "random_state": 0},
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
    # seeded so that the checks' repeated fits start from the same k-means
    "XDGaussianMixture": {"random_state": 0},
    "XDGMMBayesClassifier": {"random_state": 0},
    # --- neural ---
    # tiny nets, few epochs, one batch per epoch, all data used for training,
    # Keras in eager mode: a new model traces no graph, which is most of the
    # cost of the checks' ~100 small fits per estimator. float64 (float32 is
    # the default): the checks compare weighted with repeated fits and
    # predictions on subsets to 1e-7 relative, which float32 rounding of the
    # weighted batch means (~1e-7 per step, ~4e-7 after training) exceeds
    "KerasMLPClassifier": {
        "dtype": "float64",
        "hidden_layer_sizes": (16,),
        "epochs": 5,
        "batch_size": 512,
        "learning_rate": 0.05,
        "validation_fraction": 0.0,
        "routed_params": {"compile__run_eagerly": True},
    },
    "CNNClassifier": {
        "dtype": "float64",
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
        "dtype": "float64",
        "encoder_units": (8, 2),
        "epochs": 5,
        "batch_size": 512,
        "learning_rate": 0.02,
        "validation_fraction": 0.0,
        "routed_params": {"compile__run_eagerly": True},
    },
    # a tiny CVAE trained for two epochs of one batch: the checks test counts,
    # dtypes and containers, which do not depend on how well it is trained
    "VAEOverSampler": {
        "latent_dim": 2,
        "hidden_units": (8,),
        "epochs": 2,
        "batch_size": 512,
        "random_state": 0,
    },
}

# the regressors run the checks in the configuration of their classifiers'
# networks (float64, for the reason above)
for _regressor, _classifier in [
    ("KerasMLPRegressor", "KerasMLPClassifier"),
    ("CNNRegressor", "CNNClassifier"),
]:
    CHECK_PARAMS[_regressor] = dict(CHECK_PARAMS[_classifier])

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
    # --- lightcurve ---
    "LightCurveGPAugmenter": {
        "check_samplers_pandas_sparse": (
            "a light curve is its epochs' magnitudes: a sparse DataFrame would "
            "read absent epochs as magnitude 0 where a missing epoch is NaN, so "
            "sparse input is refused with scikit-learn's dense-data error"
        ),
    },
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
