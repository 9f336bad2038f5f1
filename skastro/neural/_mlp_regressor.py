"""KerasMLPRegressor: a dense Keras network for catalogue targets (redshifts)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from skastro.utils._validation import check_layer_sizes

from ._docs_regressor import fill_doc
from ._mlp import KerasMLPClassifier
from ._regressor import KerasRegressorBase, architecture_constraints

__all__ = ["KerasMLPRegressor"]


@fill_doc(builder="mlp_builder")
class KerasMLPRegressor(KerasRegressorBase):
    """Multi-layer perceptron regressor in Keras, with an optional predicted std.

    The network of :class:`KerasMLPClassifier` (``Dense`` layers built by
    :func:`skastro.neural._builders.mlp_builder`) ending in one linear unit
    per target, or, with ``loss="gaussian_nll"``, in a Gaussian (mean,
    variance) head trained by the negative log-likelihood: then
    ``predict(X, return_std=True)`` returns a standard deviation per sample,
    as :class:`~sklearn.gaussian_process.GaussianProcessRegressor` does.
    Targets, one or several, are standardised internally, so the default
    learning rate suits redshifts and magnitudes alike. Scale the features
    (a :class:`~sklearn.preprocessing.StandardScaler` in a pipeline), as for
    any network. Keras is imported at fit.

    Parameters
    ----------
    %(mlp_params)s
    %(loss)s
    %(training_params)s

    Attributes
    ----------
    %(regressor_attributes)s
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The scikit-learn network.
    KerasMLPClassifier : The same network for classes.
    CNNRegressor : Convolutional network for images and series.

    Notes
    -----
    The Gaussian head predicts the aleatoric scatter of the targets around
    the network's mean (the noise the features cannot explain), not the
    uncertainty of the fit itself; on SDSS galaxies its std is calibrated
    (about 68 % of the redshifts fall within one std, see the user guide).
    ``fit(X, y, sample_weight=None, **fit_params)`` hands ``fit_params`` to
    ``keras.Model.fit``; ``callbacks=[...]`` are appended to the estimator's
    own (early stopping).

    References
    ----------
    .. [1] D. A. Nix and A. S. Weigend, "Estimating the mean and variance of
       the target probability distribution", Proc. IEEE ICNN 1994, 55.
    .. [2] B. Lakshminarayanan, A. Pritzel and C. Blundell, "Simple and
       scalable predictive uncertainty estimation using deep ensembles",
       NeurIPS 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural import KerasMLPRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> noise = 0.1 + 0.2 * (X[:, 1] > 0)  # noisier where x1 > 0
    >>> y = 3.0 * X[:, 0] + 1.0 + noise * rng.normal(size=200)
    >>> reg = KerasMLPRegressor((16,), loss="gaussian_nll", epochs=200,
    ...                         batch_size=200, learning_rate=0.01,
    ...                         validation_fraction=0.0,
    ...                         random_state=0).fit(X, y)
    >>> bool(reg.score(X, y) > 0.9)
    True
    >>> mean, std = reg.predict(X, return_std=True)
    >>> bool(std[X[:, 1] > 0].mean() > std[X[:, 1] <= 0].mean())
    True
    """

    # the architecture of KerasMLPClassifier: its parameters, their
    # constraints and its builder
    _architecture_params = KerasMLPClassifier._architecture_params
    _parameter_constraints: dict = {
        **KerasRegressorBase._parameter_constraints,
        **architecture_constraints(KerasMLPClassifier),
    }
    _default_builder = staticmethod(KerasMLPClassifier._default_builder)

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (64, 32),
        *,
        dropout: float = 0.0,
        l2: float = 0.0,
        activation: str = "relu",
        loss: str = "squared_error",
        epochs: int = 50,
        batch_size: int = 128,
        optimizer: str | type = "adam",
        learning_rate: float = 1e-3,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        dtype: str = "float32",
        model: Callable | None = None,
        routed_params: dict | None = None,
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.dropout = dropout
        self.l2 = l2
        self.activation = activation
        self.loss = loss
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.dtype = dtype
        self.model = model
        self.routed_params = routed_params
        self.random_state = random_state
        self.verbose = verbose

    def _check_architecture(self) -> None:
        check_layer_sizes(
            self.hidden_layer_sizes,
            param="hidden_layer_sizes",
            owner=type(self).__name__,
        )
