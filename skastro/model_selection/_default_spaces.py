"""Default search spaces of skastro's estimators and of those used next to them.

Registered by class name, so nothing here imports the estimators (nor Optuna).
"""

from ._search_space import register_search_space
from ._specs import categorical_param, float_param, int_param

# ---------------------------------------------------------------------------
# scikit-learn and imbalanced-learn estimators used next to skastro's
# ---------------------------------------------------------------------------

_FOREST = {
    "n_estimators": int_param(50, 500, log=True),
    "max_depth": int_param(2, 32, log=True),
    "min_samples_leaf": int_param(1, 20, log=True),
    "max_features": float_param(0.1, 1.0),
}
register_search_space(
    "RandomForestClassifier",
    {
        **_FOREST,
        "class_weight": categorical_param(None, "balanced", "balanced_subsample"),
    },
)
register_search_space(
    "ExtraTreesClassifier",
    {
        **_FOREST,
        "class_weight": categorical_param(None, "balanced", "balanced_subsample"),
    },
)
register_search_space(
    "BalancedRandomForestClassifier",
    {**_FOREST, "sampling_strategy": categorical_param("all", "not minority", "auto")},
)
register_search_space(
    "HistGradientBoostingClassifier",
    {
        "learning_rate": float_param(1e-2, 0.5, log=True),
        "max_leaf_nodes": int_param(8, 128, log=True),
        "min_samples_leaf": int_param(5, 100, log=True),
        "l2_regularization": float_param(1e-6, 10.0, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "LogisticRegression",
    {
        "C": float_param(1e-4, 1e4, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "SVC",
    {
        "C": float_param(1e-3, 1e3, log=True),
        "gamma": float_param(1e-4, 10.0, log=True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "KNeighborsClassifier",
    {
        "n_neighbors": int_param(1, 30, log=True),
        "weights": categorical_param("uniform", "distance"),
        "p": int_param(1, 2),
    },
)
register_search_space("SMOTE", {"k_neighbors": int_param(1, 15)})

# ---------------------------------------------------------------------------
# skastro estimators
# ---------------------------------------------------------------------------

# preprocessing. The magnitude <-> flux conversions get an empty space on
# purpose: their parameters (photometric system, flux unit, the softening of
# asinh magnitudes) describe the data, they are not modelling choices.
register_search_space(
    "PhotometricColors",
    {
        "pairs": categorical_param("adjacent", "all"),
        "keep_magnitudes": categorical_param(False, True),
    },
)
register_search_space("MagnitudeToFlux", {})
register_search_space("FluxToMagnitude", {})
register_search_space(
    "PolarTransformer", {"angle": categorical_param("radians", "sincos")}
)
register_search_space(
    "SkyCoordinateTransformer",
    {
        "frame": categorical_param("galactic", "ecliptic", "icrs"),
        "output": categorical_param("angles", "sincos", "unit_vector"),
    },
)

# lightcurve
register_search_space(
    "LightCurveFeatures",
    {
        "features": categorical_param("fast", "fats", "all"),
        "n_peaks": int_param(1, 5),
        "oversampling": float_param(2.0, 10.0, log=True),
        "min_period": float_param(0.05, 1.0, log=True),
    },
)

# ensemble (the inner ``estimator`` is searched through its own space)
register_search_space(
    "HierarchicalClassifier", {"class_weight": categorical_param(None, "balanced")}
)
register_search_space(
    "GMMBayesClassifier",
    {
        "n_components": int_param(1, 8),
        "covariance_type": categorical_param("full", "diag", "tied", "spherical"),
        "reg_covar": float_param(1e-6, 1e-2, log=True),
        # class priors matter for imbalanced classes (balanced scorers)
        "priors": categorical_param("empirical", "uniform"),
    },
)
register_search_space(
    "XDGMMBayesClassifier",
    {
        "n_components": int_param(1, 8),
        "reg_covar": float_param(1e-6, 1e-2, log=True),
        "priors": categorical_param("empirical", "uniform"),
    },
)
# a density estimator: searched by its score, the mean log-likelihood
register_search_space(
    "XDGaussianMixture",
    {
        "n_components": int_param(1, 10),
        "reg_covar": float_param(1e-6, 1e-2, log=True),
    },
)

# neural. Layer sizes are tuples, which an RDB storage does not round-trip
# (they come back as lists), so the architecture stays as constructed and the
# space covers regularisation and training; set ``epochs`` high and let
# pruning / early stopping end bad trials. The Autoencoder's ``contamination``
# (the expected outlier fraction) and ``kind`` (dense or convolutional, set by
# the input) are decisions about the data, not searched.
_KERAS_TRAINING = {
    "learning_rate": float_param(1e-4, 1e-1, log=True),
    "l2": float_param(1e-6, 1e-2, log=True),
}
register_search_space(
    "KerasMLPClassifier",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(32, 64, 128, 256),
        "dropout": float_param(0.0, 0.5),
        "activation": categorical_param("relu", "tanh", "elu"),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "CNNClassifier",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(16, 32, 64),
        "dropout": float_param(0.0, 0.5),
        "kernel_size": categorical_param(3, 5),
        "augment": categorical_param(False, True),
        "class_weight": categorical_param(None, "balanced"),
    },
)
register_search_space(
    "Autoencoder",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(32, 64, 128, 256),
        "activation": categorical_param("relu", "tanh", "elu"),
    },
)
# the regressors: the classifiers' training space, without class weights;
# the Gaussian head is a modelling choice, searched too
register_search_space(
    "KerasMLPRegressor",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(32, 64, 128, 256),
        "dropout": float_param(0.0, 0.5),
        "activation": categorical_param("relu", "tanh", "elu"),
        "loss": categorical_param("squared_error", "gaussian_nll"),
    },
)
register_search_space(
    "CNNRegressor",
    {
        **_KERAS_TRAINING,
        "batch_size": categorical_param(16, 32, 64),
        "dropout": float_param(0.0, 0.5),
        "kernel_size": categorical_param(3, 5),
        "loss": categorical_param("squared_error", "gaussian_nll"),
    },
)
# the prior weights' range and the score they maximise; the inner
# estimator's own space is searched through a Pipeline of its own
register_search_space(
    "TunedPriorsClassifier",
    {
        "log_weight_range": float_param(1.0, 6.0),
        "scoring": categorical_param("f1_macro", "balanced_accuracy"),
    },
)
# how far the drawn light curves may stray from their templates (days)
register_search_space(
    "LightCurveGPAugmenter",
    {
        "time_shift": float_param(0.0, 50.0),
        "time_jitter": float_param(0.0, 1.0),
    },
)
# the generative oversampler: the latent size and the KL weight shape the
# generated rows; the architecture stays as constructed
register_search_space(
    "VAEOverSampler",
    {
        "latent_dim": int_param(2, 8),
        "beta": float_param(0.1, 4.0, log=True),
        "learning_rate": float_param(1e-4, 1e-2, log=True),
    },
)
