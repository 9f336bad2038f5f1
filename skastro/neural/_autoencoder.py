"""Autoencoder: latent codes, reconstructions and outlier scores in Keras."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    ClassNamePrefixFeaturesOutMixin,
    OutlierMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

from skastro.utils._validation import check_layer_sizes, validate_input

from ._base import KerasEstimatorBase
from ._builders import autoencoder_builder
from ._docs import fill_doc
from ._keras_runtime import float_dtype, import_keras

__all__ = ["Autoencoder"]


def _weighted_percentile(values, weights, q: float) -> float:
    """``np.percentile(values, q)`` (linear) as if each value were repeated.

    With integer ``weights`` this equals the percentile of
    ``np.repeat(values, weights)``; other weights interpolate the same way on
    the cumulative weight, so the threshold of a weighted fit is that of the
    data set the weights stand for. ``weights=None`` is plain
    :func:`numpy.percentile`.
    """
    if weights is None:
        return float(np.percentile(values, q))
    order = np.argsort(values, kind="stable")
    weights = np.asarray(weights, dtype=np.float64)[order]
    keep = weights > 0
    values = np.asarray(values, dtype=np.float64)[order][keep]
    cum = np.cumsum(weights[keep])
    position = (q / 100.0) * max(cum[-1] - 1.0, 0.0)
    lower = np.floor(position)
    # the value at (0-based) position j of the implicitly repeated, sorted data
    at = np.searchsorted(cum, [lower, lower + 1.0], side="right")
    low, high = values[np.minimum(at, len(values) - 1)]
    return float(low + (position - lower) * (high - low))


@fill_doc(builder="autoencoder_builder")
class Autoencoder(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, OutlierMixin, KerasEstimatorBase
):
    """Dense or convolutional autoencoder: latent codes and outlier detection.

    The network learns to reproduce its input through a narrow ``latent``
    layer. As a transformer, :meth:`transform` returns the latent codes and
    :meth:`inverse_transform` decodes codes back to the input space. As an
    outlier detector (the scikit-learn API of
    :class:`~sklearn.ensemble.IsolationForest`), :meth:`score_samples` is
    minus the mean squared reconstruction error, :meth:`decision_function`
    subtracts the threshold ``offset_`` learned at fit from ``contamination``
    and :meth:`predict` returns +1 for inliers and -1 for outliers: train on
    ordinary objects and transients or artefacts reconstruct badly.

    Parameters
    ----------
    encoder_units : sequence of int, default=(64, 16)
        Units (``kind="dense"``) or filters (``kind="conv"``) of the encoder
        layers; the last entry is the size of the latent code. The decoder
        mirrors the encoder.
    kind : {"dense", "conv"}, default="dense"
        ``"dense"`` for feature vectors ``(n_samples, n_features)``;
        ``"conv"`` for images ``(n_samples, height, width, channels)`` or
        series ``(n_samples, length[, channels])``.
    contamination : float in (0, 0.5], default=0.1
        Expected fraction of outliers in the training data: ``offset_`` is
        that percentile of the training scores.
    kernel_size : int, default=3
        Size of the convolution kernels (``kind="conv"``).
    activation : str, default="relu"
        Keras activation of the hidden layers.
    l2 : float, default=0.0
        L2 penalty on all kernels.
    %(training_params)s

    Attributes
    ----------
    model_ : keras.Model
        The trained autoencoder.
    offset_ : float
        Threshold on :meth:`score_samples`: ``decision_function = score_samples
        - offset_``.
    latent_dim_ : int
        Size of the latent code (columns of :meth:`transform`).
    input_shape_ : tuple of int
        Shape of one sample (channel axis included for ``kind="conv"``).
    history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss`` when a validation part is held
        out: see ``validation_fraction``).
    n_iter_ : int
        Number of epochs run.
    n_features_in_ : int
        ``X.shape[1]`` at fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during fit, if any.

    See Also
    --------
    sklearn.ensemble.IsolationForest : Tree-based outlier detector.
    sklearn.decomposition.PCA : The linear autoencoder.

    Notes
    -----
    ``fit(X, y=None, sample_weight=None, **fit_params)`` hands ``fit_params``
    to ``keras.Model.fit``; ``callbacks=[...]`` are appended to the
    estimator's own; one that monitors ``val_loss`` or has a true
    ``needs_validation_data`` attribute makes the estimator hold out
    ``validation_fraction`` and sees ``val_loss`` after each epoch.

    A ``model`` builder of your own must end the encoder at a layer named
    ``"latent"`` and, for :meth:`inverse_transform`, the layers after it must
    form a chain.

    References
    ----------
    .. [1] G. E. Hinton and R. R. Salakhutdinov, "Reducing the dimensionality
       of data with neural networks", Science 313, 504 (2006).
    .. [2] C. Aggarwal, "Outlier Analysis", Springer, 2nd ed., 2017, ch. 3.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.neural import Autoencoder
    >>> rng = np.random.RandomState(0)
    >>> t = rng.uniform(size=(100, 1))
    >>> X = np.hstack([t, 2 * t, -t]) + rng.normal(scale=0.01, size=(100, 3))
    >>> ae = Autoencoder((8, 1), contamination=0.05, epochs=30, batch_size=100,
    ...                  learning_rate=0.05, validation_fraction=0.0,
    ...                  random_state=0).fit(X)
    >>> ae.transform(X).shape
    (100, 1)
    >>> ae.predict([[0.5, 1.0, -0.5], [0.5, -1.0, 0.5]])
    array([ 1, -1])
    """

    _parameter_constraints: dict = {
        **KerasEstimatorBase._parameter_constraints,
        "encoder_units": ["array-like"],
        "kind": [StrOptions({"dense", "conv"})],
        "contamination": [Interval(Real, 0, 0.5, closed="right")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "activation": [str],
        "l2": [Interval(Real, 0, None, closed="left")],
    }

    _architecture_params = ("encoder_units", "kind", "kernel_size", "activation", "l2")
    _default_builder = staticmethod(autoencoder_builder)

    def __init__(
        self,
        encoder_units: Sequence[int] = (64, 16),
        *,
        kind: str = "dense",
        contamination: float = 0.1,
        kernel_size: int = 3,
        activation: str = "relu",
        l2: float = 0.0,
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
        self.encoder_units = encoder_units
        self.kind = kind
        self.contamination = contamination
        self.kernel_size = kernel_size
        self.activation = activation
        self.l2 = l2
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

    def _loss(self):
        keras = import_keras()
        return keras.losses.MeanSquaredError(
            reduction="mean_with_sample_weight", dtype=float_dtype(self.dtype)
        )

    def _shaped_input(self) -> bool:
        return self.kind == "conv"

    @_fit_context(prefer_skip_nested_validation=True)
    @fill_doc()
    def fit(self, X, y=None, sample_weight=None, **fit_params) -> Autoencoder:
        """Train the autoencoder to reconstruct ``X`` and set ``offset_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or images/series
            Training data (mostly inliers).
        y : None
            Ignored.
        %(sample_weight)s
        %(fit_params)s

        Returns
        -------
        self : Autoencoder
            The fitted estimator.
        """
        check_layer_sizes(
            self.encoder_units,
            param="encoder_units",
            owner=type(self).__name__,
            empty="the size of the latent code",
        )
        X = self._validate_X(X, reset=True)
        self.input_shape_ = tuple(int(s) for s in X.shape[1:])
        sw = self._prepare_sample_weight(sample_weight, X)
        self._fit_keras(X, None, sw, self._meta(X), dict(fit_params))
        raw_weight = None
        if sample_weight is not None:
            raw_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        try:
            self.latent_dim_ = int(self.model_.get_layer("latent").output.shape[-1])
        except ValueError as exc:
            raise ValueError(
                "the model built for Autoencoder has no layer named 'latent'; "
                "expected the encoder to end at a layer named 'latent'."
            ) from exc
        self.offset_ = _weighted_percentile(
            self._score(X), raw_weight, 100.0 * self.contamination
        )
        return self

    @property
    def _n_features_out(self) -> int:
        return self.latent_dim_

    def _score(self, X) -> np.ndarray:
        reconstruction = self._predict_raw(X)  # flat, as the model outputs
        error = (reconstruction - X.reshape(len(X), -1).astype(np.float64)) ** 2
        return -error.mean(axis=1)

    @fill_doc()
    def score_samples(self, X) -> np.ndarray:
        """Minus the mean squared reconstruction error of each sample.

        %(X_fitted)s

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The lower, the more abnormal.
        """
        self._check_fitted()
        return self._score(self._validate_X(X, reset=False))

    @fill_doc()
    def decision_function(self, X) -> np.ndarray:
        """``score_samples(X) - offset_``: negative for outliers.

        %(X_fitted)s

        Returns
        -------
        decision : ndarray of shape (n_samples,)
            Shifted scores; below zero means outlier.
        """
        return self.score_samples(X) - self.offset_

    @fill_doc()
    def predict(self, X) -> np.ndarray:
        """+1 for inliers, -1 for outliers (``decision_function < 0``).

        %(X_fitted)s

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,)
            +1 or -1.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    @fill_doc()
    def transform(self, X) -> np.ndarray:
        """Latent codes of ``X`` (the output of the ``latent`` layer).

        %(X_fitted)s

        Returns
        -------
        Z : ndarray of shape (n_samples, latent_dim_)
            Latent codes.
        """
        self._check_fitted()
        X = self._validate_X(X, reset=False)
        keras = import_keras()
        encoder = keras.Model(
            self.model_.inputs[0], self.model_.get_layer("latent").output
        )
        return self._predict_raw(X, model=encoder)

    def inverse_transform(self, X) -> np.ndarray:
        """Decode latent codes back to the input space (reconstructions).

        ``inverse_transform(transform(X))`` is the reconstruction of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, latent_dim_)
            Latent codes.

        Returns
        -------
        X_rec : ndarray of shape (n_samples, *input_shape_)
            Reconstructions (``(n_samples, n_features)`` for ``kind="dense"``).
        """
        self._check_fitted()
        # codes, not the fitted input: no check against n_features_in_
        Z = validate_input(
            self, X, reset=False, dtype=[np.float64, np.float32], check_features=False
        ).astype(float_dtype(self.dtype))
        if Z.shape[1] != self.latent_dim_:
            raise ValueError(
                f"X has {Z.shape[1]} columns but Autoencoder has latent codes of "
                f"size {self.latent_dim_}; expected an output of transform."
            )
        keras = import_keras()
        layers = self.model_.layers
        start = layers.index(self.model_.get_layer("latent")) + 1
        codes = keras.Input(shape=(self.latent_dim_,), dtype=float_dtype(self.dtype))
        h = codes
        try:
            for layer in layers[start:]:
                h = layer(h)
        except Exception as exc:  # pragma: no cover - user-built models only
            raise ValueError(
                "the decoder layers after 'latent' of this Autoencoder's model "
                "do not form a chain; inverse_transform needs one."
            ) from exc
        decoder = keras.Model(codes, h)
        out = self._predict_raw(Z, model=decoder)
        return out.reshape(len(Z), *self.input_shape_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
