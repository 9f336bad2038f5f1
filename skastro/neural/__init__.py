"""Keras estimators the scikit-learn way: clone, pickle, grid-search.

Keras (and its backend) is imported when an estimator is built or fitted,
never when this package is imported.
"""

from ._autoencoder import Autoencoder
from ._cnn import CNNClassifier
from ._cnn_regressor import CNNRegressor
from ._mlp import KerasMLPClassifier
from ._mlp_regressor import KerasMLPRegressor
from ._vae_sampler import VAEOverSampler

__all__ = [
    "Autoencoder",
    "CNNClassifier",
    "CNNRegressor",
    "KerasMLPClassifier",
    "KerasMLPRegressor",
    "VAEOverSampler",
]
