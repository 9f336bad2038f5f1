"""Docstring text of the Keras regressors, written once.

The blocks of :mod:`skastro.neural._docs` (training parameters, ``X``,
``sample_weight``, ...) plus those of the regressors: the architecture
parameters they share with the classifiers of the same network, the
``loss``, the targets and the fitted target scaling.
"""

from __future__ import annotations

from skastro.utils._docstrings import fill_doc as shared_fill_doc

from ._cnn import CNNClassifier
from ._docs import DOCS, GROUPS
from ._mlp import KerasMLPClassifier

__all__ = ["REGRESSOR_DOCS", "REGRESSOR_GROUPS", "fill_doc"]

#: numpydoc blocks of the regressors (name line, then the description)
REGRESSOR_DOCS = {
    # ------------------------------------------------- architecture (MLP, CNN)
    "hidden_layer_sizes": """\
hidden_layer_sizes : sequence of int, default=$default
    Units of each hidden layer.""",
    "dropout": """\
dropout : float, default=$default
    Dropout rate after each hidden layer (before each dense layer in a
    convolutional network).""",
    "l2": """\
l2 : float, default=$default
    L2 penalty on the kernels of the hidden layers.""",
    "activation": """\
activation : str, default=$default
    Keras activation of the hidden layers.""",
    "conv_filters": """\
conv_filters : sequence of int, default=$default
    Filters of each convolutional block.""",
    "kernel_size": """\
kernel_size : int, default=$default
    Size of the convolution kernels.""",
    "dense_units": """\
dense_units : sequence of int, default=$default
    Units of the dense layers after the convolutions.""",
    "downsample": """\
downsample : int, default=$default
    Average-pool the input by this factor before the convolutions (2 turns
    150x150 cutouts into 75x75: about 4 times faster to train).""",
    # --------------------------------------------------------------- the loss
    "loss": """\
loss : {"squared_error", "gaussian_nll"}, default=$default
    ``"squared_error"``: one output per target, its mean, trained by the
    mean squared error. ``"gaussian_nll"``: a Gaussian (mean, variance)
    head trained by the negative log-likelihood, so that
    ``predict(X, return_std=True)`` also returns a standard deviation per
    sample (variance through a softplus plus a floor of 1e-6 of the
    target's variance).""",
    # ------------------------------------------------------ method parameters
    "y_targets": """\
y : array-like of shape (n_samples,) or (n_samples, n_targets)
    Targets. They are standardised internally (mean 0, standard deviation 1
    per target, weighted by ``sample_weight``), so the default learning
    rate suits redshifts and magnitudes alike; predictions are in the
    units of ``y``.""",
    # ------------------------------------------------------------- attributes
    "regressor_attributes": """\
n_outputs_ : int
    Number of targets.
y_mean_ : ndarray of shape (n_outputs_,)
    Mean of each target at fit, subtracted before training.
y_scale_ : ndarray of shape (n_outputs_,)
    Standard deviation of each target at fit (1 for a constant target),
    divided out before training.
model_ : keras.Model
    The trained network, in standardised target units: ``n_outputs_``
    means, followed by ``n_outputs_`` variances with
    ``loss="gaussian_nll"``.
history_ : dict of str to list of float
    Per-epoch ``loss`` (and ``val_loss`` when validating).
n_iter_ : int
    Number of epochs run.""",
}

#: placeholders of the regressors that stand for several blocks
REGRESSOR_GROUPS = {
    "mlp_params": KerasMLPClassifier._architecture_params,
    "cnn_params": CNNClassifier._architecture_params,
    "fit_regressor_params": ("y_targets", "sample_weight", "fit_params"),
}


def fill_doc(**fields: str):
    """Decorator: :func:`skastro.neural._docs.fill_doc` with the regressors' blocks.

    ``fields`` fill the ``$name`` fields other than ``$default``; returns
    the decorator of :func:`skastro.utils._docstrings.fill_doc`.

    Examples
    --------
    >>> from skastro.neural._docs_regressor import fill_doc
    >>> @fill_doc()
    ... def f(loss="squared_error"):
    ...     '''Train.
    ...
    ...     %(loss)s
    ...     '''
    >>> print(f.__doc__.strip().splitlines()[2].strip())
    loss : {"squared_error", "gaussian_nll"}, default="squared_error"
    """
    return shared_fill_doc(
        docs={**DOCS, **REGRESSOR_DOCS},
        groups={**GROUPS, **REGRESSOR_GROUPS},
        fields=fields,
    )
